/* `compatbox abi list --stats`: how many requests the database describes,
 * per family, and how many of them an i386 caller cannot pass to an
 * x86_64 kernel as they are (a different number or a different layout). */
#include "cmd_abi.h"

#include <stdio.h>

#include "../abi/ioctl_decode.h"

/* Families by the request's _IOC type byte (and number range where two
 * drivers share a byte). Order matters: the first match wins. */
static const struct family {
	unsigned type, nr_lo, nr_hi;
	const char *name;
} families[] = {
	{ 'T', 200, 255, "tun" },
	{ 'T', 0, 255, "tty" },
	{ 0x89, 0, 255, "sockios" },
	{ 'L', 0, 255, "loop" },
	{ 0x12, 0, 255, "block" },
	{ 'f', 0, 255, "files" },
	{ 'E', 0, 255, "evdev" },
	{ 'H', 0, 255, "hidraw" },
	{ 'V', 0, 255, "v4l2" },
	{ 'A', 0, 255, "alsa-pcm" },
	{ 'U', 0, 255, "alsa-ctl/usbdevfs" },
	{ 0x22, 0, 255, "scsi-sg" },
	{ 'd', 0, 255, "drm" },
};
#define NFAM (sizeof(families) / sizeof(families[0]))

static int family_of(uint32_t req)
{
	struct cb_ioctl_fields f = cb_ioctl_split(req);
	for (size_t i = 0; i < NFAM; i++)
		if (f.type == families[i].type && f.nr >= families[i].nr_lo &&
		    f.nr <= families[i].nr_hi)
			return (int)i;
	return (int)NFAM; /* other */
}

/* Whether an i386 caller's request needs more than passing it on. */
static bool differs(const struct cb_abi_db *db, const struct cb_ioctl *io)
{
	for (int a = 1; a < CB_ARCH_COUNT; a++)
		if (io->req[a] != io->req[0] || io->arg_size[a] != io->arg_size[0])
			return true;
	return io->arg_record >= 0 && !db->records[io->arg_record].identical;
}

int cb_abi_stats(const struct cb_abi_db *db, FILE *out)
{
	int n[NFAM + 1] = { 0 }, diff[NFAM + 1] = { 0 }, total = 0, total_diff = 0;
	for (int i = 0; i < db->nioctls; i++) {
		const struct cb_ioctl *io = &db->ioctls[i];
		int f = family_of(io->req[CB_ARCH_X86_64]);
		bool d = differs(db, io);
		n[f]++;
		diff[f] += d;
		total++;
		total_diff += d;
	}
	fprintf(out, "%-20s %9s %9s\n", "family", "requests", "differ");
	for (size_t f = 0; f <= NFAM; f++)
		if (n[f])
			fprintf(out, "%-20s %9d %9d\n", f < NFAM ? families[f].name : "other", n[f],
				diff[f]);
	fprintf(out, "%-20s %9d %9d\n", "total", total, total_diff);
	fprintf(out, "%d requests described, %d of them differ between i386 and x86_64 "
		     "(number or layout)\n", total, total_diff);
	return 0;
}
