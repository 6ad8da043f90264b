/* Differential guest for input devices: an evdev device made with uinput
 * (the EVIOCG* patterns, EVIOCGABS/EVIOCSABS, masks, and EVIOCSFF with
 * every effect type, which a uinput "driver" child process answers), and
 * a hidraw device made with uhid (the report descriptor, the name
 * patterns, HIDIOCGFEATURE/HIDIOCSFEATURE answered by a uhid child).
 * Built -m32 and run natively and under `compatbox run --translate`. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <linux/hidraw.h>
#include <linux/input.h>
#include <linux/uhid.h>
#include <linux/uinput.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diffcase.h"

static void set_bits(int ui, unsigned long req, const int *bits, int n)
{
	for (int i = 0; i < n; i++)
		(void)!ioctl(ui, req, bits[i]);
}

/* The event node of the uinput device UI, opened; -1 if none shows. */
static int event_node(int ui)
{
	char sys[64] = "", path[160];
	if (ioctl(ui, UI_GET_SYSNAME(sizeof(sys)), sys) < 0)
		return -1;
	snprintf(path, sizeof(path), "/sys/devices/virtual/input/%s", sys);
	for (int tries = 0; tries < 100; tries++) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (!strncmp(e->d_name, "event", 5)) {
				char dev[64];
				snprintf(dev, sizeof(dev), "/dev/input/%.20s", e->d_name);
				closedir(d);
				for (int t = 0; t < 100; t++) {
					int fd = open(dev, O_RDWR);
					if (fd >= 0)
						return fd;
					usleep(10000);
				}
				return -1;
			}
		if (d)
			closedir(d);
		usleep(10000);
	}
	return -1;
}

/* The uinput "driver": answers uploads and erases until the pipe closes.
 * What it receives is printed (the custom_data address blanked: it is
 * the caller's, an address in another process either way). */
static void ff_driver(int ui, int quit)
{
	struct pollfd p[2] = { { ui, POLLIN, 0 }, { quit, POLLIN, 0 } };
	for (;;) {
		if (poll(p, 2, 5000) <= 0 || (p[1].revents & (POLLIN | POLLHUP)))
			return;
		struct input_event ev;
		if (read(ui, &ev, sizeof(ev)) != sizeof(ev) || ev.type != EV_UINPUT)
			continue;
		if (ev.code == UI_FF_UPLOAD) {
			struct uinput_ff_upload up;
			memset(&up, 0, sizeof(up));
			up.request_id = (unsigned)ev.value;
			res("  driver UI_BEGIN_FF_UPLOAD", ioctl(ui, UI_BEGIN_FF_UPLOAD, &up));
			if (up.effect.type == FF_PERIODIC)
				up.effect.u.periodic.custom_data = NULL;
			printf("  driver upload type 0x%x id %d\n", up.effect.type, up.effect.id);
			dump("  effect", &up.effect, sizeof(up.effect));
			dump("  old", &up.old, sizeof(up.old));
			up.retval = 0;
			res("  driver UI_END_FF_UPLOAD", ioctl(ui, UI_END_FF_UPLOAD, &up));
		} else if (ev.code == UI_FF_ERASE) {
			struct uinput_ff_erase er = { .request_id = (unsigned)ev.value };
			res("  driver UI_BEGIN_FF_ERASE", ioctl(ui, UI_BEGIN_FF_ERASE, &er));
			printf("  driver erase %u\n", er.effect_id);
			er.retval = 0;
			res("  driver UI_END_FF_ERASE", ioctl(ui, UI_END_FF_ERASE, &er));
		}
	}
}

static void upload(int ev, struct ff_effect *e, const char *what)
{
	e->id = -1;
	long r = ioctl(ev, EVIOCSFF, e);
	printf("EVIOCSFF %s", what);
	res("", r);
	printf("id %d\n", e->id);
}

static void effects(int ev)
{
	static const int conds[] = { FF_SPRING, FF_FRICTION, FF_DAMPER, FF_INERTIA };
	struct ff_effect e;
	memset(&e, 0, sizeof(e));
	e.type = FF_RUMBLE;
	e.u.rumble.strong_magnitude = 0x8000;
	e.u.rumble.weak_magnitude = 0x1234;
	e.replay.length = 500;
	upload(ev, &e, "rumble");
	int first = e.id;
	memset(&e, 0, sizeof(e));
	e.type = FF_CONSTANT;
	e.direction = 0x4000;
	e.u.constant.level = -1000;
	e.u.constant.envelope.attack_length = 10;
	upload(ev, &e, "constant");
	memset(&e, 0, sizeof(e));
	e.type = FF_RAMP;
	e.u.ramp.start_level = -100;
	e.u.ramp.end_level = 100;
	upload(ev, &e, "ramp");
	for (unsigned i = 0; i < 4; i++) {
		memset(&e, 0, sizeof(e));
		e.type = (unsigned short)conds[i];
		e.u.condition[0].right_saturation = 0xffff;
		e.u.condition[1].center = (short)(-5 * (int)i);
		upload(ev, &e, "condition");
	}
	memset(&e, 0, sizeof(e));
	e.type = FF_PERIODIC;
	e.u.periodic.waveform = FF_SINE;
	e.u.periodic.period = 100;
	e.u.periodic.magnitude = 0x4000;
	e.u.periodic.custom_data = NULL;
	upload(ev, &e, "periodic sine");
	static short samples[8] = { 1, -1, 2, -2, 3, -3, 4, -4 };
	memset(&e, 0, sizeof(e));
	e.type = FF_PERIODIC;
	e.u.periodic.waveform = FF_CUSTOM;
	e.u.periodic.custom_len = 8;
	e.u.periodic.custom_data = samples;
	upload(ev, &e, "periodic custom");
	memset(&e, 0, sizeof(e));
	e.type = 0x7f; /* no such effect type */
	upload(ev, &e, "unknown type");
	res("EVIOCSFF bad pointer", ioctl(ev, EVIOCSFF, BAD_PTR));
	/* Replacing an effect: the driver sees the old one. */
	memset(&e, 0, sizeof(e));
	e.type = FF_RUMBLE;
	e.id = (short)first;
	e.u.rumble.strong_magnitude = 1;
	res("EVIOCSFF update", ioctl(ev, EVIOCSFF, &e));
	res("EVIOCRMFF", ioctl(ev, EVIOCRMFF, first));
	int n = -1;
	res("EVIOCGEFFECTS", ioctl(ev, EVIOCGEFFECTS, &n));
	printf("effects %d\n", n);
}

static void queries(int ev)
{
	int v = -1;
	res("EVIOCGVERSION", ioctl(ev, EVIOCGVERSION, &v));
	printf("version 0x%x\n", v);
	struct input_id id;
	memset(&id, 0xa5, sizeof(id));
	res("EVIOCGID", ioctl(ev, EVIOCGID, &id));
	dump("input_id", &id, sizeof(id));
	char buf[80];
	memset(buf, 'x', sizeof(buf));
	res("EVIOCGNAME(80)", ioctl(ev, EVIOCGNAME(sizeof(buf)), buf));
	dump("name", buf, sizeof(buf));
	memset(buf, 'x', sizeof(buf));
	res("EVIOCGNAME(5)", ioctl(ev, EVIOCGNAME(5), buf));
	dump("name", buf, 16);
	memset(buf, 'x', sizeof(buf));
	res("EVIOCGPHYS(80)", ioctl(ev, EVIOCGPHYS(sizeof(buf)), buf));
	res("EVIOCGUNIQ(80)", ioctl(ev, EVIOCGUNIQ(sizeof(buf)), buf));
	memset(buf, 0xa5, sizeof(buf));
	res("EVIOCGPROP(8)", ioctl(ev, EVIOCGPROP(8), buf));
	dump("props", buf, 8);
	unsigned char bits[KEY_MAX / 8 + 1];
	static const int types[] = { 0, EV_KEY, EV_ABS, EV_FF, EV_LED };
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(bits, 0xa5, sizeof(bits));
		long r = ioctl(ev, EVIOCGBIT(types[i], sizeof(bits)), bits);
		printf("EVIOCGBIT(%d)", types[i]);
		res("", r);
		dump("bits", bits, r > 0 && r < (long)sizeof(bits) ? (size_t)r + 2 : 16);
	}
	memset(bits, 0xa5, sizeof(bits));
	res("EVIOCGKEY", ioctl(ev, EVIOCGKEY(sizeof(bits)), bits));
	dump("keys", bits, 16);
	res("EVIOCGLED", ioctl(ev, EVIOCGLED(4), bits));
	res("EVIOCGSW", ioctl(ev, EVIOCGSW(4), bits));
	res("EVIOCGNAME bad pointer", ioctl(ev, EVIOCGNAME(16), BAD_PTR));
	struct input_absinfo ab;
	memset(&ab, 0xa5, sizeof(ab));
	res("EVIOCGABS(ABS_X)", ioctl(ev, EVIOCGABS(ABS_X), &ab));
	dump("absinfo", &ab, sizeof(ab));
	ab.value = 42;
	ab.fuzz = 3;
	res("EVIOCSABS(ABS_X)", ioctl(ev, EVIOCSABS(ABS_X), &ab));
	memset(&ab, 0xa5, sizeof(ab));
	res("EVIOCGABS(ABS_X) again", ioctl(ev, EVIOCGABS(ABS_X), &ab));
	dump("absinfo", &ab, sizeof(ab));
	res("EVIOCGABS(ABS_Z) unset", ioctl(ev, EVIOCGABS(ABS_Z), &ab));
	unsigned rep[2] = { 7, 7 };
	res("EVIOCGREP", ioctl(ev, EVIOCGREP, rep));
	printf("rep %u %u\n", rep[0], rep[1]);
	unsigned kc[2] = { 0x1e, 0 };
	res("EVIOCGKEYCODE", ioctl(ev, EVIOCGKEYCODE, kc));
	unsigned char codes[KEY_MAX / 8 + 1];
	memset(codes, 0xa5, sizeof(codes));
	struct input_mask m = { EV_KEY, sizeof(codes), (uintptr_t)codes };
	res("EVIOCGMASK", ioctl(ev, EVIOCGMASK, &m));
	dump("mask", codes, 16);
	memset(codes, 0, sizeof(codes));
	codes[KEY_A / 8] = 1 << (KEY_A % 8);
	res("EVIOCSMASK", ioctl(ev, EVIOCSMASK, &m));
	memset(codes, 0xa5, sizeof(codes));
	res("EVIOCGMASK again", ioctl(ev, EVIOCGMASK, &m));
	dump("mask", codes, 16);
	m.codes_ptr = (uintptr_t)BAD_PTR;
	res("EVIOCGMASK bad buffer", ioctl(ev, EVIOCGMASK, &m));
	int clk = CLOCK_MONOTONIC;
	res("EVIOCSCLOCKID", ioctl(ev, EVIOCSCLOCKID, &clk));
	res("EVIOCGRAB", ioctl(ev, EVIOCGRAB, 1));
	res("EVIOCGRAB again", ioctl(ev, EVIOCGRAB, 1));
	res("EVIOCGRAB release", ioctl(ev, EVIOCGRAB, 0));
}

static void evdev(void)
{
	int ui = open("/dev/uinput", O_RDWR);
	if (ui < 0) {
		printf("no uinput\n");
		return;
	}
	static const int evs[] = { EV_KEY, EV_ABS, EV_FF, EV_LED };
	static const int keys[] = { KEY_A, KEY_B, KEY_ENTER, BTN_LEFT };
	static const int ffs[] = { FF_RUMBLE, FF_PERIODIC, FF_CONSTANT, FF_SPRING, FF_FRICTION,
				   FF_DAMPER, FF_INERTIA, FF_RAMP, FF_SINE, FF_SQUARE, FF_CUSTOM,
				   FF_GAIN };
	set_bits(ui, UI_SET_EVBIT, evs, 4);
	set_bits(ui, UI_SET_KEYBIT, keys, 4);
	set_bits(ui, UI_SET_FFBIT, ffs, 12);
	(void)!ioctl(ui, UI_SET_ABSBIT, ABS_X);
	(void)!ioctl(ui, UI_SET_LEDBIT, LED_CAPSL);
	(void)!ioctl(ui, UI_SET_PROPBIT, INPUT_PROP_POINTER);
	struct uinput_abs_setup as = { .code = ABS_X,
				       .absinfo = { .minimum = -100, .maximum = 100, .flat = 2 } };
	res("UI_ABS_SETUP", ioctl(ui, UI_ABS_SETUP, &as));
	struct uinput_setup us;
	memset(&us, 0, sizeof(us));
	us.id = (struct input_id){ BUS_VIRTUAL, 0x1234, 0x5678, 1 };
	strcpy(us.name, "compatbox diff input");
	us.ff_effects_max = 16;
	res("UI_DEV_SETUP", ioctl(ui, UI_DEV_SETUP, &us));
	res("UI_DEV_CREATE", ioctl(ui, UI_DEV_CREATE));
	unsigned ver = 0;
	res("UI_GET_VERSION", ioctl(ui, UI_GET_VERSION, &ver));
	int ev = event_node(ui);
	printf("event node %d\n", ev >= 0);
	if (ev < 0)
		return;
	queries(ev);
	int q[2];
	if (pipe(q))
		return;
	fflush(stdout);
	pid_t kid = fork();
	if (kid == 0) {
		close(q[1]);
		ff_driver(ui, q[0]);
		_exit(0);
	}
	close(q[0]);
	effects(ev);
	close(q[1]);
	waitpid(kid, NULL, 0);
	close(ev);
	res("UI_DEV_DESTROY", ioctl(ui, UI_DEV_DESTROY));
}

/* ---- hidraw on uhid ---- */

/* A vendor-defined device with an 8-byte feature report 1. */
static const unsigned char rdesc[] = {
	0x06, 0x00, 0xff, /* Usage Page (Vendor) */
	0x09, 0x01,       /* Usage 1 */
	0xa1, 0x01,       /* Collection (Application) */
	0x85, 0x01,       /*   Report ID 1 */
	0x15, 0x00, 0x26, 0xff, 0x00, /* Logical 0..255 */
	0x75, 0x08, 0x95, 0x08, /* 8 bits x 8 */
	0x09, 0x02, 0xb1, 0x02, /* Feature (Data, Var, Abs) */
	0x09, 0x03, 0x81, 0x02, /* Input */
	0xc0,
};

/* The uhid "device": answers GET_REPORT and SET_REPORT until QUIT. */
static void hid_device(int uh, int quit)
{
	struct pollfd p[2] = { { uh, POLLIN, 0 }, { quit, POLLIN, 0 } };
	for (;;) {
		if (poll(p, 2, 5000) <= 0 || (p[1].revents & (POLLIN | POLLHUP)))
			return;
		struct uhid_event e;
		if (read(uh, &e, sizeof(e)) <= 0)
			continue;
		struct uhid_event a;
		memset(&a, 0, sizeof(a));
		if (e.type == UHID_GET_REPORT) {
			a.type = UHID_GET_REPORT_REPLY;
			a.u.get_report_reply.id = e.u.get_report.id;
			a.u.get_report_reply.size = 9;
			for (int i = 0; i < 9; i++)
				a.u.get_report_reply.data[i] = (unsigned char)(i ? 0x10 + i : 1);
			printf("  device get report %u\n", e.u.get_report.rnum);
		} else if (e.type == UHID_SET_REPORT) {
			a.type = UHID_SET_REPORT_REPLY;
			a.u.set_report_reply.id = e.u.set_report.id;
			printf("  device set report %u size %u\n", e.u.set_report.rnum,
			       e.u.set_report.size);
			dump("  data", e.u.set_report.data, e.u.set_report.size);
		} else {
			continue;
		}
		fflush(stdout);
		(void)!write(uh, &a, sizeof(a));
	}
}

/* The hidraw node whose name is ours. */
static int hidraw_node(void)
{
	for (int tries = 0; tries < 100; tries++) {
		for (int n = 0; n < 64; n++) {
			char dev[32], name[64] = "";
			snprintf(dev, sizeof(dev), "/dev/hidraw%d", n);
			int fd = open(dev, O_RDWR);
			if (fd < 0)
				continue;
			if (ioctl(fd, HIDIOCGRAWNAME(sizeof(name)), name) > 0 &&
			    !strcmp(name, "compatbox diff hid"))
				return fd;
			close(fd);
		}
		usleep(10000);
	}
	return -1;
}

static void hidraw(void)
{
	int uh = open("/dev/uhid", O_RDWR);
	if (uh < 0) {
		printf("no uhid\n");
		return;
	}
	struct uhid_event c;
	memset(&c, 0, sizeof(c));
	c.type = UHID_CREATE2;
	strcpy((char *)c.u.create2.name, "compatbox diff hid");
	strcpy((char *)c.u.create2.phys, "compatbox/phys");
	strcpy((char *)c.u.create2.uniq, "cb-0001");
	c.u.create2.rd_size = sizeof(rdesc);
	c.u.create2.bus = BUS_VIRTUAL;
	c.u.create2.vendor = 0x1234;
	c.u.create2.product = 0x4321;
	memcpy(c.u.create2.rd_data, rdesc, sizeof(rdesc));
	if (write(uh, &c, sizeof(c)) < 0) {
		printf("UHID_CREATE2 failed\n");
		return;
	}
	int q[2];
	if (pipe(q))
		return;
	fflush(stdout);
	pid_t kid = fork();
	if (kid == 0) {
		close(q[1]);
		hid_device(uh, q[0]);
		_exit(0);
	}
	close(q[0]);
	int h = hidraw_node();
	printf("hidraw node %d\n", h >= 0);
	if (h >= 0) {
		int n = -1;
		res("HIDIOCGRDESCSIZE", ioctl(h, HIDIOCGRDESCSIZE, &n));
		printf("size %d\n", n);
		struct hidraw_report_descriptor d;
		memset(&d, 0xa5, sizeof(d));
		d.size = (unsigned)n;
		res("HIDIOCGRDESC", ioctl(h, HIDIOCGRDESC, &d));
		dump("rdesc", d.value, sizeof(rdesc) + 4);
		struct hidraw_devinfo info;
		memset(&info, 0xa5, sizeof(info));
		res("HIDIOCGRAWINFO", ioctl(h, HIDIOCGRAWINFO, &info));
		dump("devinfo", &info, sizeof(info));
		char buf[64];
		memset(buf, 'x', sizeof(buf));
		res("HIDIOCGRAWNAME(64)", ioctl(h, HIDIOCGRAWNAME(sizeof(buf)), buf));
		dump("name", buf, sizeof(buf));
		memset(buf, 'x', sizeof(buf));
		res("HIDIOCGRAWNAME(4)", ioctl(h, HIDIOCGRAWNAME(4), buf));
		dump("name", buf, 8);
		memset(buf, 'x', sizeof(buf));
		res("HIDIOCGRAWPHYS(64)", ioctl(h, HIDIOCGRAWPHYS(sizeof(buf)), buf));
		dump("phys", buf, 24);
		memset(buf, 'x', sizeof(buf));
		res("HIDIOCGRAWUNIQ(64)", ioctl(h, HIDIOCGRAWUNIQ(sizeof(buf)), buf));
		dump("uniq", buf, 16);
		unsigned char rep[16];
		memset(rep, 0xa5, sizeof(rep));
		rep[0] = 1;
		res("HIDIOCGFEATURE(16)", ioctl(h, HIDIOCGFEATURE(sizeof(rep)), rep));
		dump("feature", rep, sizeof(rep));
		for (int i = 0; i < 9; i++)
			rep[i] = (unsigned char)(i ? 0xa0 + i : 1);
		res("HIDIOCSFEATURE(9)", ioctl(h, HIDIOCSFEATURE(9), rep));
		res("HIDIOCGFEATURE bad pointer", ioctl(h, HIDIOCGFEATURE(16), BAD_PTR));
		close(h);
	}
	close(q[1]);
	waitpid(kid, NULL, 0);
	c.type = UHID_DESTROY;
	(void)!write(uh, &c, sizeof(c));
	close(uh);
}

static const char *need_uinput(void)
{
	return access("/dev/uinput", R_OK | W_OK) ? "no /dev/uinput (uinput module, root)" : NULL;
}

static const char *need_uhid(void)
{
	return access("/dev/uhid", R_OK | W_OK) ? "no /dev/uhid (uhid module, root)" : NULL;
}

static const struct diff_case cases[] = {
	{ "evdev", evdev, "translated", need_uinput },
	{ "hidraw", hidraw, "translated", need_uhid },
};

DIFF_MAIN(cases)
