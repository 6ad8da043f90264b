/* Differential guest for ALSA on snd-dummy: the control device (card
 * info, the element list, element info with its long ranges, TLV), a
 * playback PCM (HW_REFINE, STATUS, SYNC_PTR, CHANNEL_INFO, DELAY; the
 * kernel keeps HW_PARAMS, SW_PARAMS and WRITEI_FRAMES) and the timer.
 * The stream is never started, so every position is the same in both
 * runs; timestamps are left out. Built -m32; run natively and under
 * `compatbox run --translate`. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sound/asound.h>
#include <unistd.h>

#include "diffcase.h"

/* The snd-dummy card's number, or -1. */
static int dummy_card(void)
{
	for (int c = 0; c < 32; c++) {
		char dev[32];
		snprintf(dev, sizeof(dev), "/dev/snd/controlC%d", c);
		int fd = open(dev, O_RDWR);
		if (fd < 0)
			continue;
		struct snd_ctl_card_info ci;
		int ok = !ioctl(fd, SNDRV_CTL_IOCTL_CARD_INFO, &ci) && !strcmp((char *)ci.driver, "Dummy");
		close(fd);
		if (ok)
			return c;
	}
	return -1;
}

static const char *need_dummy(void)
{
	return dummy_card() < 0 ? "no snd-dummy card (modprobe snd-dummy, root)" : NULL;
}

static void control(void)
{
	char dev[32];
	snprintf(dev, sizeof(dev), "/dev/snd/controlC%d", dummy_card());
	int fd = open(dev, O_RDWR);
	int v = -1;
	res("CTL PVERSION", ioctl(fd, SNDRV_CTL_IOCTL_PVERSION, &v));
	printf("version 0x%x\n", v);
	struct snd_ctl_card_info ci;
	memset(&ci, 0xa5, sizeof(ci));
	res("CARD_INFO", ioctl(fd, SNDRV_CTL_IOCTL_CARD_INFO, &ci));
	ci.card = 0; /* which card number it got */
	dump("card_info", &ci, 64);
	struct snd_ctl_elem_list l;
	memset(&l, 0, sizeof(l));
	res("ELEM_LIST count", ioctl(fd, SNDRV_CTL_IOCTL_ELEM_LIST, &l));
	printf("count %u used %u\n", l.count, l.used);
	struct snd_ctl_elem_id ids[6];
	memset(ids, 0xa5, sizeof(ids));
	l.space = 6;
	l.pids = ids;
	res("ELEM_LIST", ioctl(fd, SNDRV_CTL_IOCTL_ELEM_LIST, &l));
	printf("count %u used %u\n", l.count, l.used);
	for (unsigned i = 0; i < l.used && i < 6; i++) {
		printf("id %u name %s iface %u index %u\n", ids[i].numid, ids[i].name, ids[i].iface,
		       ids[i].index);
		struct snd_ctl_elem_info in;
		memset(&in, 0, sizeof(in));
		in.id.numid = ids[i].numid;
		res("ELEM_INFO", ioctl(fd, SNDRV_CTL_IOCTL_ELEM_INFO, &in));
		in.owner = 0;
		dump("elem_info", &in, sizeof(in));
		struct snd_ctl_elem_value val;
		memset(&val, 0, sizeof(val));
		val.id.numid = ids[i].numid;
		res("ELEM_READ", ioctl(fd, SNDRV_CTL_IOCTL_ELEM_READ, &val));
		dump("value", &val.value, 16);
		struct {
			struct snd_ctl_tlv t;
			unsigned int data[16];
		} tlv;
		memset(&tlv, 0xa5, sizeof(tlv));
		tlv.t.numid = ids[i].numid;
		tlv.t.length = sizeof(tlv.data);
		long r = ioctl(fd, SNDRV_CTL_IOCTL_TLV_READ, &tlv);
		res("TLV_READ", r);
		if (r == 0)
			dump("tlv", &tlv, sizeof(tlv));
	}
	l.pids = BAD_PTR;
	res("ELEM_LIST bad buffer", ioctl(fd, SNDRV_CTL_IOCTL_ELEM_LIST, &l));
	int dev_no = -1;
	res("PCM_NEXT_DEVICE", ioctl(fd, SNDRV_CTL_IOCTL_PCM_NEXT_DEVICE, &dev_no));
	printf("next %d\n", dev_no);
	struct snd_pcm_info pi;
	memset(&pi, 0xa5, sizeof(pi));
	pi.device = 0;
	pi.subdevice = 0;
	pi.stream = SNDRV_PCM_STREAM_PLAYBACK;
	res("CTL PCM_INFO", ioctl(fd, SNDRV_CTL_IOCTL_PCM_INFO, &pi));
	pi.card = 0;
	dump("pcm_info", &pi, sizeof(pi));
	close(fd);
}

static void any_params(struct snd_pcm_hw_params *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i <= SNDRV_PCM_HW_PARAM_LAST_MASK - SNDRV_PCM_HW_PARAM_FIRST_MASK; i++)
		memset(p->masks[i].bits, 0xff, sizeof(p->masks[i].bits));
	for (int i = 0; i <= SNDRV_PCM_HW_PARAM_LAST_INTERVAL - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL;
	     i++) {
		p->intervals[i].min = 0;
		p->intervals[i].max = ~0u;
	}
	p->rmask = ~0u;
	p->info = ~0u;
}

static void set_mask(struct snd_pcm_hw_params *p, int param, unsigned v)
{
	struct snd_mask *m = &p->masks[param - SNDRV_PCM_HW_PARAM_FIRST_MASK];
	memset(m->bits, 0, sizeof(m->bits));
	m->bits[v / 32] = 1u << (v % 32);
}

static void set_interval(struct snd_pcm_hw_params *p, int param, unsigned v)
{
	struct snd_interval *i = &p->intervals[param - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];
	i->min = i->max = v;
	i->integer = 1;
}

static void show_status(int fd)
{
	struct snd_pcm_status st;
	memset(&st, 0xa5, sizeof(st));
	res("STATUS", ioctl(fd, SNDRV_PCM_IOCTL_STATUS, &st));
	printf("state %d appl %lu hw %lu delay %ld avail %lu avail_max %lu overrange %lu "
	       "suspended %d\n",
	       st.state, st.appl_ptr, st.hw_ptr, st.delay, st.avail, st.avail_max, st.overrange,
	       st.suspended_state);
	struct snd_pcm_sync_ptr sp;
	memset(&sp, 0xa5, sizeof(sp));
	sp.flags = SNDRV_PCM_SYNC_PTR_APPL | SNDRV_PCM_SYNC_PTR_AVAIL_MIN;
	res("SYNC_PTR", ioctl(fd, SNDRV_PCM_IOCTL_SYNC_PTR, &sp));
	printf("sync state %d hw %lu appl %lu avail_min %lu\n", sp.s.status.state,
	       sp.s.status.hw_ptr, sp.c.control.appl_ptr, sp.c.control.avail_min);
	long delay = -7;
	res("DELAY", ioctl(fd, SNDRV_PCM_IOCTL_DELAY, &delay));
	printf("delay %ld\n", delay);
}

static void pcm(void)
{
	char dev[32];
	snprintf(dev, sizeof(dev), "/dev/snd/pcmC%dD0p", dummy_card());
	int fd = open(dev, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		printf("open pcm failed\n");
		return;
	}
	int v = -1;
	res("PCM PVERSION", ioctl(fd, SNDRV_PCM_IOCTL_PVERSION, &v));
	printf("version 0x%x\n", v);
	struct snd_pcm_info pi;
	memset(&pi, 0xa5, sizeof(pi));
	res("PCM INFO", ioctl(fd, SNDRV_PCM_IOCTL_INFO, &pi));
	pi.card = 0;
	dump("pcm_info", &pi, sizeof(pi));
	int ts = SNDRV_PCM_TSTAMP_TYPE_MONOTONIC;
	res("TTSTAMP", ioctl(fd, SNDRV_PCM_IOCTL_TTSTAMP, &ts));
	struct snd_pcm_hw_params hp;
	any_params(&hp);
	res("HW_REFINE any", ioctl(fd, SNDRV_PCM_IOCTL_HW_REFINE, &hp));
	dump("hw_params", &hp, sizeof(hp));
	set_mask(&hp, SNDRV_PCM_HW_PARAM_ACCESS, SNDRV_PCM_ACCESS_RW_INTERLEAVED);
	set_mask(&hp, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE);
	set_interval(&hp, SNDRV_PCM_HW_PARAM_CHANNELS, 2);
	set_interval(&hp, SNDRV_PCM_HW_PARAM_RATE, 48000);
	set_interval(&hp, SNDRV_PCM_HW_PARAM_PERIOD_SIZE, 1024);
	set_interval(&hp, SNDRV_PCM_HW_PARAM_BUFFER_SIZE, 4096);
	hp.rmask = ~0u;
	res("HW_REFINE chosen", ioctl(fd, SNDRV_PCM_IOCTL_HW_REFINE, &hp));
	dump("hw_params", &hp, sizeof(hp));
	res("HW_PARAMS", ioctl(fd, SNDRV_PCM_IOCTL_HW_PARAMS, &hp));
	dump("hw_params", &hp, sizeof(hp));
	struct snd_pcm_sw_params sw;
	memset(&sw, 0, sizeof(sw));
	sw.avail_min = 1024;
	sw.start_threshold = 1u << 30; /* never starts: positions stay put */
	sw.stop_threshold = 4096;
	res("SW_PARAMS", ioctl(fd, SNDRV_PCM_IOCTL_SW_PARAMS, &sw));
	printf("boundary %lu\n", sw.boundary);
	res("PREPARE", ioctl(fd, SNDRV_PCM_IOCTL_PREPARE));
	show_status(fd);
	struct snd_pcm_channel_info ch;
	memset(&ch, 0xa5, sizeof(ch));
	ch.channel = 1;
	res("CHANNEL_INFO", ioctl(fd, SNDRV_PCM_IOCTL_CHANNEL_INFO, &ch));
	printf("channel %u offset %ld first %u step %u\n", ch.channel, (long)ch.offset, ch.first,
	       ch.step);
	static short frames[2 * 1500];
	struct snd_xferi x = { .buf = frames, .frames = 1500 };
	res("WRITEI_FRAMES", ioctl(fd, SNDRV_PCM_IOCTL_WRITEI_FRAMES, &x));
	printf("result %ld\n", x.result);
	show_status(fd);
	unsigned long n = 100;
	res("REWIND", ioctl(fd, SNDRV_PCM_IOCTL_REWIND, &n));
	res("FORWARD", ioctl(fd, SNDRV_PCM_IOCTL_FORWARD, &n));
	show_status(fd);
	res("STATUS bad pointer", ioctl(fd, SNDRV_PCM_IOCTL_STATUS, BAD_PTR));
	res("SYNC_PTR bad pointer", ioctl(fd, SNDRV_PCM_IOCTL_SYNC_PTR, BAD_PTR));
	res("DROP", ioctl(fd, SNDRV_PCM_IOCTL_DROP));
	res("HW_FREE", ioctl(fd, SNDRV_PCM_IOCTL_HW_FREE));
	close(fd);
}

static void timer(void)
{
	int fd = open("/dev/snd/timer", O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		printf("no timer\n");
		return;
	}
	int v = -1;
	res("TIMER PVERSION", ioctl(fd, SNDRV_TIMER_IOCTL_PVERSION, &v));
	printf("version 0x%x\n", v);
	struct snd_timer_ginfo gi;
	memset(&gi, 0, sizeof(gi));
	gi.tid.dev_class = SNDRV_TIMER_CLASS_GLOBAL;
	gi.tid.dev_sclass = SNDRV_TIMER_SCLASS_NONE;
	gi.tid.card = -1;
	gi.tid.device = SNDRV_TIMER_GLOBAL_SYSTEM;
	/* GINFO and STATUS are not compared: the x86_64 kernel's compat
	 * layer has no handler for their i386 numbers (ENOTTY, seen on 6.1);
	 * translated, they work. */
	struct snd_timer_select sel;
	memset(&sel, 0, sizeof(sel));
	sel.id = gi.tid;
	res("SELECT", ioctl(fd, SNDRV_TIMER_IOCTL_SELECT, &sel));
	struct snd_timer_info ti;
	memset(&ti, 0xa5, sizeof(ti));
	res("INFO", ioctl(fd, SNDRV_TIMER_IOCTL_INFO, &ti));
	printf("info flags %u id %.16s resolution %lu\n", ti.flags, ti.id, ti.resolution);
	struct snd_timer_params tp;
	memset(&tp, 0, sizeof(tp));
	tp.ticks = 10;
	tp.queue_size = 64;
	res("PARAMS", ioctl(fd, SNDRV_TIMER_IOCTL_PARAMS, &tp));
	close(fd);
}

static const struct diff_case cases[] = {
	{ "control", control, "translated", need_dummy },
	{ "pcm", pcm, "translated", need_dummy },
	{ "timer", timer, "translated", need_dummy },
};

DIFF_MAIN(cases)
