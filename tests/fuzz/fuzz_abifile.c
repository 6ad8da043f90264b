/* libFuzzer target: the .abi reader, then the converter driven by what it
 * accepted. Whatever the file says, reading it must not crash or leak,
 * and a database it accepts must convert every record and ioctl argument
 * within its bounds (ASan, UBSan) and in bounded time, both ways. */
#include <stdio.h>
#include <stdlib.h>

#include "../../abi/abifile.h"
#include "fuzz_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Guest memory that leads somewhere: words alternate between addresses
 * inside it and small counts, so pointers are followed and lengths are
 * plausible. */
static void fill_guest(const uint8_t *data, size_t size)
{
	uint32_t seed = 2166136261u;
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 16777619u;
	for (uint32_t i = 0; i < GUEST_SIZE / 4; i++) {
		uint32_t v = (i % 2) ? (seed >> (i % 13)) % 9 : GUEST_BASE + ((i * 40503u + seed) % (GUEST_SIZE - 64));
		memcpy(guest + 4 * i, &v, 4);
	}
}

static void convert(const struct cb_abi_db *db, int record, uint32_t cmd, enum cb_arch g,
		    enum cb_dir dir, const uint8_t *data, size_t size)
{
	struct cb_conv cv;
	void *h = NULL;
	if (cb_conv_init(&cv, db, g, cmd, &fz_mem, 1u << 20))
		return;
	if (cb_conv_in(&cv, record, GUEST_BASE + 128, dir, &h) == 0) {
		fz_kernel_writes(h, db->records[record].size[CB_CONV_HOST], data, size);
		cb_conv_out(&cv);
	}
	cb_conv_free(&cv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	struct cb_abi_db db;
	struct cb_err err;
	if (cb_abifile_parse("fuzz.abi", text, &db, &err) == 0) {
		/* Written back, it is read again the same. */
		char *out = NULL;
		size_t outlen = 0;
		FILE *f = open_memstream(&out, &outlen);
		if (f) {
			cb_abifile_write(f, &db, NULL);
			fclose(f);
			struct cb_abi_db db2;
			if (cb_abifile_parse("fuzz2.abi", out, &db2, &err) != 0) {
				fprintf(stderr, "written back, not read: %s\n", err.msg);
				abort();
			}
			cb_abifile_free(&db2);
			free(out);
		}
		fill_guest(data, size);
		static const enum cb_dir dirs[] = { CB_DIR_IN, CB_DIR_OUT, CB_DIR_INOUT };
		for (int r = 0; r < db.nrecords && r < 32; r++)
			for (int a = 0; a < CB_ARCH_COUNT; a++)
				for (int d = 0; d < 3; d++)
					convert(&db, r, 0, (enum cb_arch)a, dirs[d], data, size);
		for (int i = 0; i < db.nioctls && i < 32; i++) {
			const struct cb_ioctl *io = &db.ioctls[i];
			if (io->arg_record >= 0)
				convert(&db, io->arg_record, io->req[CB_ARCH_I386], CB_ARCH_I386,
					io->dir, data, size);
		}
		cb_abifile_free(&db);
	}
	free(text);
	return 0;
}
