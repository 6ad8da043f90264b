/* Differential guest for V4L2 on vivid (the kernel's virtual video test
 * driver): the requests whose i386 layout differs (v4l2_format,
 * v4l2_buffer with its timeval, v4l2_standard, v4l2_input, extended
 * controls, the EDID, events) and a capture loop streaming mmap buffers.
 * What changes from run to run (timestamps, the picture) is checked and
 * left out. Built -m32; run natively and under `compatbox run --translate`. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diffcase.h"

/* The first vivid capture node. */
static int vivid(void)
{
	for (int n = 0; n < 64; n++) {
		char dev[32];
		snprintf(dev, sizeof(dev), "/dev/video%d", n);
		/* Non-blocking: DQEVENT with nothing pending would wait. */
		int fd = open(dev, O_RDWR | O_NONBLOCK);
		if (fd < 0)
			continue;
		struct v4l2_capability cap;
		if (!ioctl(fd, VIDIOC_QUERYCAP, &cap) && !strcmp((char *)cap.driver, "vivid") &&
		    (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE))
			return fd;
		close(fd);
	}
	return -1;
}

static const char *need_vivid(void)
{
	int fd = vivid();
	if (fd < 0)
		return "no vivid capture device (modprobe vivid, root)";
	close(fd);
	return NULL;
}

static void inputs_and_standards(int fd)
{
	for (unsigned i = 0; i < 8; i++) {
		struct v4l2_input in;
		memset(&in, 0xa5, sizeof(in));
		in.index = i;
		long r = ioctl(fd, VIDIOC_ENUMINPUT, &in);
		printf("ENUMINPUT %u", i);
		res("", r);
		if (r < 0)
			break;
		dump("input", &in, sizeof(in));
	}
	int input = 1; /* vivid's S-Video input: it has standards */
	res("S_INPUT 1", ioctl(fd, VIDIOC_S_INPUT, &input));
	input = -1;
	res("G_INPUT", ioctl(fd, VIDIOC_G_INPUT, &input));
	printf("input %d\n", input);
	for (unsigned i = 0; i < 4; i++) {
		struct v4l2_standard st;
		memset(&st, 0xa5, sizeof(st));
		st.index = i;
		printf("ENUMSTD %u", i);
		res("", ioctl(fd, VIDIOC_ENUMSTD, &st));
		dump("standard", &st, sizeof(st));
	}
	v4l2_std_id id = V4L2_STD_PAL_B;
	res("S_STD", ioctl(fd, VIDIOC_S_STD, &id));
	id = 0;
	res("G_STD", ioctl(fd, VIDIOC_G_STD, &id));
	printf("std 0x%llx\n", (unsigned long long)id);
	res("ENUMSTD bad pointer", ioctl(fd, VIDIOC_ENUMSTD, BAD_PTR));
	input = 3; /* HDMI: it has an EDID */
	res("S_INPUT 3", ioctl(fd, VIDIOC_S_INPUT, &input));
	static unsigned char edid[2 * 128];
	struct v4l2_edid e;
	memset(&e, 0, sizeof(e));
	e.pad = 0;
	e.blocks = 2;
	e.edid = edid;
	memset(edid, 0xa5, sizeof(edid));
	res("G_EDID", ioctl(fd, VIDIOC_G_EDID, &e));
	printf("blocks %u start %u\n", e.blocks, e.start_block);
	dump("edid head", edid, 32);
	e.blocks = 0;
	res("G_EDID count", ioctl(fd, VIDIOC_G_EDID, &e));
	printf("blocks %u\n", e.blocks);
	e.blocks = 2;
	e.edid = BAD_PTR;
	res("G_EDID bad buffer", ioctl(fd, VIDIOC_G_EDID, &e));
	input = 0;
	res("S_INPUT 0", ioctl(fd, VIDIOC_S_INPUT, &input));
}

/* vivid keeps its format and controls across opens: both runs start
 * from the same ones. */
static void reset(int fd)
{
	struct v4l2_format f;
	memset(&f, 0, sizeof(f));
	f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	f.fmt.pix.width = 640;
	f.fmt.pix.height = 360;
	f.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	res("S_FMT reset", ioctl(fd, VIDIOC_S_FMT, &f));
	struct v4l2_control c = { V4L2_CID_BRIGHTNESS, 128 };
	res("S_CTRL reset", ioctl(fd, VIDIOC_S_CTRL, &c));
	c.id = V4L2_CID_CONTRAST;
	res("S_CTRL reset", ioctl(fd, VIDIOC_S_CTRL, &c));
}

static void formats_and_controls(int fd)
{
	struct v4l2_fmtdesc d;
	reset(fd);
	for (unsigned i = 0; i < 3; i++) {
		memset(&d, 0, sizeof(d));
		d.index = i;
		d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		printf("ENUM_FMT %u", i);
		res("", ioctl(fd, VIDIOC_ENUM_FMT, &d));
		dump("fmtdesc", &d, sizeof(d));
	}
	struct v4l2_format f;
	memset(&f, 0xa5, sizeof(f));
	f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	res("G_FMT", ioctl(fd, VIDIOC_G_FMT, &f));
	dump("format", &f, sizeof(f));
	f.fmt.pix.width = 320;
	f.fmt.pix.height = 240;
	f.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	res("TRY_FMT", ioctl(fd, VIDIOC_TRY_FMT, &f));
	dump("format", &f, sizeof(f));
	res("S_FMT", ioctl(fd, VIDIOC_S_FMT, &f));
	dump("format", &f, sizeof(f));
	memset(&f, 0, sizeof(f));
	f.type = V4L2_BUF_TYPE_VBI_CAPTURE;
	res("G_FMT vbi", ioctl(fd, VIDIOC_G_FMT, &f));
	f.type = 0x55; /* no such type */
	res("G_FMT bad type", ioctl(fd, VIDIOC_G_FMT, &f));
	res("G_FMT bad pointer", ioctl(fd, VIDIOC_G_FMT, BAD_PTR));

	struct v4l2_queryctrl q;
	memset(&q, 0, sizeof(q));
	q.id = V4L2_CID_BRIGHTNESS;
	res("QUERYCTRL", ioctl(fd, VIDIOC_QUERYCTRL, &q));
	dump("queryctrl", &q, sizeof(q));
	struct v4l2_control c = { V4L2_CID_BRIGHTNESS, 200 };
	res("S_CTRL", ioctl(fd, VIDIOC_S_CTRL, &c));
	struct v4l2_ext_control ec[2];
	memset(ec, 0xa5, sizeof(ec));
	ec[0].id = V4L2_CID_BRIGHTNESS;
	ec[0].size = 0;
	ec[1].id = V4L2_CID_CONTRAST;
	ec[1].size = 0;
	struct v4l2_ext_controls ecs;
	memset(&ecs, 0, sizeof(ecs));
	ecs.which = V4L2_CTRL_WHICH_CUR_VAL;
	ecs.count = 2;
	ecs.controls = ec;
	res("G_EXT_CTRLS", ioctl(fd, VIDIOC_G_EXT_CTRLS, &ecs));
	printf("values %d %d error_idx %u\n", ec[0].value, ec[1].value, ecs.error_idx);
	ec[1].value = 100;
	res("S_EXT_CTRLS", ioctl(fd, VIDIOC_S_EXT_CTRLS, &ecs));
	ec[1].value = 999;
	res("TRY_EXT_CTRLS out of range", ioctl(fd, VIDIOC_TRY_EXT_CTRLS, &ecs));
	printf("error_idx %u\n", ecs.error_idx);
	ecs.controls = BAD_PTR;
	res("G_EXT_CTRLS bad array", ioctl(fd, VIDIOC_G_EXT_CTRLS, &ecs));
	struct v4l2_streamparm p;
	memset(&p, 0xa5, sizeof(p));
	p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	res("G_PARM", ioctl(fd, VIDIOC_G_PARM, &p));
	dump("parm", &p, 32);
	struct v4l2_event_subscription sub;
	memset(&sub, 0, sizeof(sub));
	sub.type = V4L2_EVENT_CTRL;
	sub.id = V4L2_CID_BRIGHTNESS;
	/* The current value at once, and our own changes too. */
	sub.flags = V4L2_EVENT_SUB_FL_SEND_INITIAL | V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK;
	res("SUBSCRIBE_EVENT", ioctl(fd, VIDIOC_SUBSCRIBE_EVENT, &sub));
	c.value = 100;
	res("S_CTRL", ioctl(fd, VIDIOC_S_CTRL, &c));
	struct v4l2_event ev;
	memset(&ev, 0xa5, sizeof(ev));
	res("DQEVENT", ioctl(fd, VIDIOC_DQEVENT, &ev));
	printf("event type %u id %u sequence %u pending %u time set %d\n", ev.type, ev.id,
	       ev.sequence, ev.pending, ev.timestamp.tv_sec != 0 || ev.timestamp.tv_nsec != 0);
	dump("event u", &ev.u, sizeof(ev.u));
	res("DQEVENT empty", ioctl(fd, VIDIOC_DQEVENT, &ev));
	res("UNSUBSCRIBE_EVENT", ioctl(fd, VIDIOC_UNSUBSCRIBE_EVENT, &sub));
}

static void show_buffer(const char *what, long r, struct v4l2_buffer *b)
{
	res(what, r);
	/* The sequence is not printed: a slow run drops frames (it shows in
	 * the numbers) where a fast one does not. */
	printf("index %u type %u bytesused %u flags 0x%x field %u memory %u "
	       "offset %u length %u time set %d\n",
	       b->index, b->type, b->bytesused, b->flags & ~V4L2_BUF_FLAG_TIMESTAMP_MASK,
	       b->field, b->memory, b->m.offset, b->length,
	       b->timestamp.tv_sec != 0 || b->timestamp.tv_usec != 0);
	dump("timecode", &b->timecode, sizeof(b->timecode));
}

static void capture(int fd)
{
	struct v4l2_format f;
	memset(&f, 0, sizeof(f));
	f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	f.fmt.pix.width = 320;
	f.fmt.pix.height = 240;
	f.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	res("S_FMT", ioctl(fd, VIDIOC_S_FMT, &f));
	struct v4l2_requestbuffers rb = { .count = 3, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
					  .memory = V4L2_MEMORY_MMAP };
	res("REQBUFS", ioctl(fd, VIDIOC_REQBUFS, &rb));
	printf("count %u\n", rb.count);
	void *maps[8] = { 0 };
	size_t lens[8] = { 0 };
	for (unsigned i = 0; i < rb.count && i < 8; i++) {
		struct v4l2_buffer b;
		memset(&b, 0xa5, sizeof(b));
		b.index = i;
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		memset(&b.reserved2, 0, sizeof(b.reserved2));
		show_buffer("QUERYBUF", ioctl(fd, VIDIOC_QUERYBUF, &b), &b);
		lens[i] = b.length;
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, fd, b.m.offset);
		printf("mmap ok %d\n", maps[i] != MAP_FAILED);
		memset(&b, 0, sizeof(b));
		b.index = i;
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		show_buffer("QBUF", ioctl(fd, VIDIOC_QBUF, &b), &b);
	}
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	res("STREAMON", ioctl(fd, VIDIOC_STREAMON, &type));
	for (int n = 0; n < 5; n++) {
		struct pollfd pf = { fd, POLLIN, 0 };
		printf("poll %d\n", poll(&pf, 1, 10000));
		struct v4l2_buffer b;
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = V4L2_MEMORY_MMAP;
		long r = ioctl(fd, VIDIOC_DQBUF, &b);
		show_buffer("DQBUF", r, &b);
		if (r == 0 && b.index < 8 && maps[b.index] != MAP_FAILED) {
			const unsigned char *px = maps[b.index];
			printf("picture bytes nonzero %d\n", px[lens[b.index] / 2] != 0 ||
							     px[lens[b.index] / 2 + 1] != 0);
			show_buffer("QBUF again", ioctl(fd, VIDIOC_QBUF, &b), &b);
		}
	}
	struct v4l2_buffer b;
	memset(&b, 0, sizeof(b));
	b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	b.memory = V4L2_MEMORY_USERPTR;
	res("QBUF userptr (not set up)", ioctl(fd, VIDIOC_QBUF, &b));
	res("DQBUF bad pointer", ioctl(fd, VIDIOC_DQBUF, BAD_PTR));
	res("STREAMOFF", ioctl(fd, VIDIOC_STREAMOFF, &type));
	for (unsigned i = 0; i < 8; i++)
		if (maps[i] && maps[i] != MAP_FAILED)
			munmap(maps[i], lens[i]);
	rb.count = 0;
	res("REQBUFS free", ioctl(fd, VIDIOC_REQBUFS, &rb));
}

static void info(void)
{
	int fd = vivid();
	inputs_and_standards(fd);
	formats_and_controls(fd);
	close(fd);
}

static void stream(void)
{
	int fd = vivid();
	capture(fd);
	close(fd);
}

static const struct diff_case cases[] = {
	{ "info", info, "translated", need_vivid },
	{ "stream", stream, "translated", need_vivid },
};

DIFF_MAIN(cases)
