/* Differential guest for usbdevfs on a real USB device: dummy_hcd (a host
 * controller and a device controller wired together in the kernel) and,
 * behind it, a gadget made in configfs with the SourceSink function (what
 * g_zero serves, which Debian does not ship): its bulk IN endpoint sends
 * a pattern ((i % 512) % 63), its bulk OUT endpoint checks that it gets
 * that pattern (and halts when not), and its vendor control requests
 * 0x5b/0x5c store and return a buffer. usbdevfs_ctrltransfer and
 * usbdevfs_bulktransfer hold a pointer, so CONTROL and BULK have other
 * numbers on i386. Built -m32 and run natively and under
 * `compatbox run --translate`. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <linux/usbdevice_fs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diffcase.h"

#define VENDOR "1a0a" /* the USB-IF's test vendor id */
#define PRODUCT "badd"
#define GADGET "/sys/kernel/config/usb_gadget/cb_diff"

static bool read_line(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)cap, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ok;
}

static bool write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* The gadget's device node, /dev/bus/usb/BBB/DDD. */
static bool find(char *dev, size_t cap)
{
	DIR *d = opendir("/sys/bus/usb/devices");
	struct dirent *e;
	bool found = false;
	while (d && !found && (e = readdir(d))) {
		char p[300], v[16] = "", pr[16] = "", bus[16] = "", num[16] = "";
		snprintf(p, sizeof(p), "/sys/bus/usb/devices/%s/idVendor", e->d_name);
		read_line(p, v, sizeof(v));
		snprintf(p, sizeof(p), "/sys/bus/usb/devices/%s/idProduct", e->d_name);
		read_line(p, pr, sizeof(pr));
		if (strcmp(v, VENDOR) || strcmp(pr, PRODUCT))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/usb/devices/%s/busnum", e->d_name);
		read_line(p, bus, sizeof(bus));
		snprintf(p, sizeof(p), "/sys/bus/usb/devices/%s/devnum", e->d_name);
		read_line(p, num, sizeof(num));
		snprintf(dev, cap, "/dev/bus/usb/%03d/%03d", atoi(bus), atoi(num));
		found = true;
	}
	if (d)
		closedir(d);
	return found;
}

/* Make the gadget and bind it to dummy_hcd's device side; false when
 * this machine cannot (no configfs, no UDC, no SourceSink, not root). */
static bool make_gadget(void)
{
	char udc[256] = "";
	DIR *d = opendir("/sys/class/udc");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			snprintf(udc, sizeof(udc), "%.200s", e->d_name);
	if (d)
		closedir(d);
	if (!udc[0])
		return false;
	mount("none", "/sys/kernel/config", "configfs", 0, NULL); /* EBUSY when it is */
	mkdir(GADGET, 0755);
	mkdir(GADGET "/strings/0x409", 0755);
	mkdir(GADGET "/configs/c.1", 0755);
	if (mkdir(GADGET "/functions/SourceSink.0", 0755) && errno != EEXIST)
		return false;
	write_str(GADGET "/idVendor", "0x" VENDOR);
	write_str(GADGET "/idProduct", "0x" PRODUCT);
	write_str(GADGET "/strings/0x409/product", "compatbox diff_usb");
	write_str(GADGET "/functions/SourceSink.0/pattern", "1");
	(void)!symlink(GADGET "/functions/SourceSink.0", GADGET "/configs/c.1/SourceSink.0");
	return write_str(GADGET "/UDC", udc);
}

static int open_dev(void)
{
	char dev[64];
	return find(dev, sizeof(dev)) ? open(dev, O_RDWR) : -1;
}

/* Run by `list`, natively, before any case: the device must be there. */
static const char *need_usb(void)
{
	char dev[64];
	if (!find(dev, sizeof(dev))) {
		if (!make_gadget())
			return "no USB gadget (modprobe dummy_hcd usb_f_ss_lb, configfs, root)";
		/* The hub sees it after its debounce: seconds under TCG. */
		for (int i = 0; i < 300 && !find(dev, sizeof(dev)); i++)
			usleep(100000);
	}
	int fd = open_dev();
	if (fd < 0)
		return "the gadget did not show up on dummy_hcd";
	close(fd);
	return NULL;
}

static long control(int fd, const char *what, uint8_t type, uint8_t req, uint16_t value,
		    uint16_t index, uint16_t len, void *data)
{
	struct usbdevfs_ctrltransfer c = { .bRequestType = type, .bRequest = req,
					   .wValue = value, .wIndex = index, .wLength = len,
					   .timeout = 2000, .data = data };
	long r = ioctl(fd, USBDEVFS_CONTROL, &c);
	res(what, r);
	return r;
}

static long bulk(int fd, const char *what, unsigned ep, unsigned len, void *data)
{
	struct usbdevfs_bulktransfer b = { .ep = ep, .len = len, .timeout = 2000, .data = data };
	long r = ioctl(fd, USBDEVFS_BULK, &b);
	res(what, r);
	return r;
}

static void usb(void)
{
	int fd = open_dev();
	unsigned char buf[600];

	memset(buf, 0xee, sizeof(buf));
	if (control(fd, "GET_DESCRIPTOR device", 0x80, 6, 0x0100, 0, 18, buf) > 0) {
		buf[12] = buf[13] = 0; /* bcdDevice: the kernel's version */
		dump("device", buf, 24);
	}
	memset(buf, 0xee, sizeof(buf));
	long n = control(fd, "GET_DESCRIPTOR configuration", 0x80, 6, 0x0200, 0, 255, buf);
	dump("configuration", buf, n > 0 ? (size_t)n + 4 : 4);
	memset(buf, 0xee, sizeof(buf));
	control(fd, "GET_STATUS", 0x80, 0, 0, 0, 2, buf);
	dump("status", buf, 4);

	/* SourceSink's control test: 0x5b stores the bytes sent, 0x5c returns
	 * them; an OUT transfer from read-only memory. */
	static const char msg[] = "compatbox via usbdevfs CONTROL";
	control(fd, "vendor 0x5b OUT", 0x40, 0x5b, 0, 0, sizeof(msg), (void *)msg);
	memset(buf, 0xee, sizeof(buf));
	control(fd, "vendor 0x5c IN", 0xc0, 0x5c, 0, 0, sizeof(msg), buf);
	printf("came back %s\n", memcmp(buf, msg, sizeof(msg)) ? "different" : "the same");
	dump("past it", buf + sizeof(msg), 4);
	control(fd, "vendor 0xee (stalls)", 0xc0, 0xee, 0, 0, 8, buf);
	control(fd, "GET_DESCRIPTOR bad buffer", 0x80, 6, 0x0100, 0, 18, BAD_PTR);
	control(fd, "vendor 0x5b OUT bad buffer", 0x40, 0x5b, 0, 0, 8, BAD_PTR);
	control(fd, "GET_DESCRIPTOR 8 KiB", 0x80, 6, 0x0200, 0, 8192, buf);
	res("CONTROL bad struct", ioctl(fd, USBDEVFS_CONTROL, BAD_PTR));

	unsigned iface = 0;
	res("CLAIMINTERFACE 0", ioctl(fd, USBDEVFS_CLAIMINTERFACE, &iface));
	memset(buf, 0xee, sizeof(buf));
	n = bulk(fd, "BULK IN 0x81, 512", 0x81, 512, buf);
	bool pattern = n == 512;
	for (int i = 0; pattern && i < 512; i++)
		pattern = buf[i] == i % 63;
	printf("pattern %s\n", pattern ? "right" : "wrong");
	dump("past it", buf + 512, 4);
	unsigned char out[512];
	for (int i = 0; i < 512; i++)
		out[i] = (unsigned char)(i % 63);
	bulk(fd, "BULK OUT 0x02, 512 of the pattern", 0x02, 512, out);
	bulk(fd, "BULK OUT 0x02, 64 of the pattern", 0x02, 64, out);
	/* Not the pattern: the device halts the endpoint once it has seen
	 * it, so the next transfer stalls: what it got is what was sent. */
	out[5] ^= 0xff;
	bulk(fd, "BULK OUT 0x02, 64 not the pattern", 0x02, 64, out);
	out[5] ^= 0xff;
	bulk(fd, "BULK OUT 0x02, 64 of the pattern after that", 0x02, 64, out);
	unsigned ep = 0x02;
	res("CLEAR_HALT 0x02", ioctl(fd, USBDEVFS_CLEAR_HALT, &ep));
	bulk(fd, "BULK OUT 0x02, 64 of the pattern again", 0x02, 64, out);
	bulk(fd, "BULK IN bad buffer", 0x81, 512, BAD_PTR);
	bulk(fd, "BULK OUT bad buffer", 0x02, 512, BAD_PTR);
	bulk(fd, "BULK IN 32 MiB", 0x81, 32u << 20, buf);
	bulk(fd, "BULK no such endpoint", 0x85, 16, buf);
	res("BULK bad struct", ioctl(fd, USBDEVFS_BULK, BAD_PTR));
	res("RELEASEINTERFACE 0", ioctl(fd, USBDEVFS_RELEASEINTERFACE, &iface));
	close(fd);
}

/* The asynchronous requests, left to the kernel (task-tied): SUBMITURB
 * hands it a buffer it fills after the call returns, REAPURB writes back
 * the caller's own URB address, DISCSIGNAL signals the caller, IOCTL
 * passes a driver's request on. What they do must be what they do
 * natively. */
static void urb(void)
{
	int fd = open_dev();
	unsigned char buf[520];
	unsigned iface = 0;
	res("CLAIMINTERFACE 0", ioctl(fd, USBDEVFS_CLAIMINTERFACE, &iface));
	struct usbdevfs_urb u;
	memset(&u, 0, sizeof(u));
	memset(buf, 0xee, sizeof(buf));
	u.type = USBDEVFS_URB_TYPE_BULK;
	u.endpoint = 0x81;
	u.buffer = buf;
	u.buffer_length = 512;
	u.usercontext = (void *)0x5eed;
	res("SUBMITURB bulk IN 512", ioctl(fd, USBDEVFS_SUBMITURB, &u));
	void *reaped = NULL;
	res("REAPURB", ioctl(fd, USBDEVFS_REAPURB, &reaped));
	bool pattern = u.actual_length == 512;
	for (int i = 0; pattern && i < 512; i++)
		pattern = buf[i] == i % 63;
	printf("reaped ours %d status %d actual %d context kept %d pattern %s\n", reaped == &u,
	       u.status, u.actual_length, u.usercontext == (void *)0x5eed,
	       pattern ? "right" : "wrong");
	dump("past it", buf + 512, 4);
	res("REAPURBNDELAY nothing pending", ioctl(fd, USBDEVFS_REAPURBNDELAY, &reaped));
	/* The bad buffer is found when the data is copied out, at reaping
	 * (waited for, so that both runs see it done). */
	u.buffer = BAD_PTR;
	res("SUBMITURB bad buffer", ioctl(fd, USBDEVFS_SUBMITURB, &u));
	reaped = NULL;
	res("REAPURB of it", ioctl(fd, USBDEVFS_REAPURB, &reaped));
	printf("reaped ours %d\n", reaped == &u);
	res("SUBMITURB bad struct", ioctl(fd, USBDEVFS_SUBMITURB, BAD_PTR));
	res("REAPURBNDELAY bad pointer, nothing pending",
	    ioctl(fd, USBDEVFS_REAPURBNDELAY, BAD_PTR));
	struct usbdevfs_disconnectsignal ds = { .signr = 0, .context = (void *)0x5eed };
	res("DISCSIGNAL none", ioctl(fd, USBDEVFS_DISCSIGNAL, &ds));
	struct usbdevfs_ioctl di = { .ifno = 0, .ioctl_code = _IO('U', 99), .data = NULL };
	res("IOCTL to the interface's driver", ioctl(fd, USBDEVFS_IOCTL, &di));
	res("RELEASEINTERFACE 0", ioctl(fd, USBDEVFS_RELEASEINTERFACE, &iface));
	close(fd);
}

static const struct diff_case cases[] = {
	{ "usb", usb, "translated", need_usb },
	{ "urb", urb, "kernel", need_usb },
};

DIFF_MAIN(cases)
