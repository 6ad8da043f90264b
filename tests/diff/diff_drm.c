/* Differential guest for DRM on /dev/dri/card0 (qemu's bochs display, the
 * bochs driver): the core requests whose i386 layout differs (drm_version's
 * size_t lengths and char pointers, drm_client's and drm_stats' longs,
 * drm_wait_vblank's, drm_mode_fb_cmd2's modifier at 68 against 72) and
 * the mode setting and GEM requests a display client makes, whose __u64
 * fields are addresses. Built -m32 and run natively and under `compatbox
 * run --translate`. What changes from run to run (pids, object ids, mmap
 * offsets, times) is printed as relative or as a property. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <libdrm/drm.h>
#include <libdrm/drm_fourcc.h>
#include <libdrm/drm_mode.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "diffcase.h"

#define CARD "/dev/dri/card0"
#define MAXN 16

static const char *need_card(void)
{
	int fd = open(CARD, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "no " CARD " (a VM with -device bochs-display; modprobe bochs, root)";
	close(fd);
	return NULL;
}

static uint64_t p64(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* The strings, and which bytes of the too-short buffers were written. */
static void version(int fd, size_t len, const char *what)
{
	char name[64], date[64], desc[64];
	struct drm_version v;
	memset(name, 'x', sizeof(name));
	memset(date, 'x', sizeof(date));
	memset(desc, 'x', sizeof(desc));
	memset(&v, 0, sizeof(v));
	v.name_len = v.date_len = v.desc_len = len;
	v.name = name;
	v.date = date;
	v.desc = desc;
	res(what, ioctl(fd, DRM_IOCTL_VERSION, &v));
	printf("  %d.%d.%d lens %zu %zu %zu pointers kept %d\n", v.version_major,
	       v.version_minor, v.version_patchlevel, v.name_len, v.date_len, v.desc_len,
	       v.name == name && v.date == date && v.desc == desc);
	printf("  name '%.64s'\n  date '%.64s'\n  desc '%.64s'\n", name, date, desc);
}

static void info(void)
{
	int fd = open(CARD, O_RDWR | O_CLOEXEC);
	struct drm_version v;
	memset(&v, 0, sizeof(v));
	res("VERSION NULL buffers", ioctl(fd, DRM_IOCTL_VERSION, &v));
	printf("  %d.%d.%d lens %zu %zu %zu\n", v.version_major, v.version_minor,
	       v.version_patchlevel, v.name_len, v.date_len, v.desc_len);
	size_t exact = v.name_len;
	version(fd, 3, "VERSION 3-byte buffers");
	version(fd, exact, "VERSION name-sized buffers");
	version(fd, 63, "VERSION 63-byte buffers");
	v.name_len = 8;
	v.name = BAD_PTR;
	res("VERSION bad name", ioctl(fd, DRM_IOCTL_VERSION, &v));
	res("VERSION bad struct", ioctl(fd, DRM_IOCTL_VERSION, BAD_PTR));

	char uniq[64];
	struct drm_unique u = { 0 };
	res("GET_UNIQUE length", ioctl(fd, DRM_IOCTL_GET_UNIQUE, &u));
	printf("  len %zu\n", u.unique_len);
	size_t ul = u.unique_len;
	memset(uniq, 'x', sizeof(uniq));
	u.unique = uniq;
	u.unique_len = ul ? ul - 1 : 0;
	res("GET_UNIQUE short", ioctl(fd, DRM_IOCTL_GET_UNIQUE, &u));
	printf("  len %zu '%.8s'\n", u.unique_len, uniq);
	u.unique_len = sizeof(uniq) - 1;
	res("GET_UNIQUE", ioctl(fd, DRM_IOCTL_GET_UNIQUE, &u));
	printf("  len %zu '%.*s'\n", u.unique_len, (int)ul, uniq);

	struct drm_client c;
	memset(&c, 0x5a, sizeof(c));
	c.idx = 0;
	res("GET_CLIENT 0", ioctl(fd, DRM_IOCTL_GET_CLIENT, &c));
	printf("  idx %d auth %d pid set %d uid %lu magic %lu iocs %lu\n", c.idx, c.auth,
	       c.pid != 0, c.uid, c.magic, c.iocs);
	c.idx = 1000;
	res("GET_CLIENT 1000", ioctl(fd, DRM_IOCTL_GET_CLIENT, &c));

	struct drm_stats st;
	memset(&st, 0x5a, sizeof(st));
	res("GET_STATS", ioctl(fd, DRM_IOCTL_GET_STATS, &st));
	printf("  count %lu\n", st.count);
	dump("  data", st.data, sizeof(st.data));

	struct drm_get_cap cap = { .capability = DRM_CAP_DUMB_BUFFER };
	res("GET_CAP DUMB_BUFFER", ioctl(fd, DRM_IOCTL_GET_CAP, &cap));
	printf("  value %llu\n", (unsigned long long)cap.value);
	struct drm_set_client_cap cc = { .capability = DRM_CLIENT_CAP_UNIVERSAL_PLANES,
					 .value = 1 };
	res("SET_CLIENT_CAP UNIVERSAL_PLANES", ioctl(fd, DRM_IOCTL_SET_CLIENT_CAP, &cc));

	/* A signal above 2 GiB (a vblank event's user data). drm_ioc32.c
	 * writes the reply back even when the call fails, and so does the
	 * supervisor (written-on-failure; the case `failure` shows it). */
	union drm_wait_vblank vb;
	memset(&vb, 0, sizeof(vb));
	vb.request.type = _DRM_VBLANK_RELATIVE | _DRM_VBLANK_EVENT;
	vb.request.sequence = 1;
	vb.request.signal = 0x80001234;
	res("WAIT_VBLANK relative 1, event", ioctl(fd, DRM_IOCTL_WAIT_VBLANK, &vb));
	dump("  ", &vb, sizeof(vb));
	res("WAIT_VBLANK bad", ioctl(fd, DRM_IOCTL_WAIT_VBLANK, BAD_PTR));
	close(fd);
}

/* Ids are the kernel's: printed as indices into the lists it gave. */
static int idx(const uint32_t *ids, uint32_t n, uint32_t id)
{
	for (uint32_t i = 0; i < n; i++)
		if (ids[i] == id)
			return (int)i;
	return id ? -2 : -1;
}

static void modeset(void)
{
	int fd = open(CARD, O_RDWR | O_CLOEXEC);
	uint32_t fbs[MAXN], crtcs[MAXN], conns[MAXN], encs[MAXN];
	struct drm_mode_card_res r;
	memset(&r, 0, sizeof(r));
	res("GETRESOURCES counts", ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &r));
	printf("  fbs %u crtcs %u connectors %u encoders %u size %u-%ux%u-%u\n", r.count_fbs,
	       r.count_crtcs, r.count_connectors, r.count_encoders, r.min_width, r.max_width,
	       r.min_height, r.max_height);
	if (r.count_crtcs > MAXN || r.count_connectors > MAXN || r.count_encoders > MAXN ||
	    r.count_fbs > MAXN)
		return;
	memset(crtcs, 0xff, sizeof(crtcs));
	r.fb_id_ptr = p64(fbs);
	r.crtc_id_ptr = p64(crtcs);
	r.connector_id_ptr = p64(conns);
	r.encoder_id_ptr = p64(encs);
	uint32_t nc = r.count_crtcs;
	r.count_crtcs = 0; /* too short: that list stays as it was */
	res("GETRESOURCES short crtcs", ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &r));
	printf("  crtcs %u first %#x\n", r.count_crtcs, crtcs[0]);
	r.count_crtcs = nc;
	res("GETRESOURCES fill", ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &r));
	printf("  pointers kept %d\n", r.crtc_id_ptr == p64(crtcs) && r.fb_id_ptr == p64(fbs));
	r.connector_id_ptr = p64(BAD_PTR);
	res("GETRESOURCES bad list", ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &r));
	res("GETRESOURCES bad struct", ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, BAD_PTR));

	for (uint32_t i = 0; i < r.count_connectors; i++) {
		struct drm_mode_get_connector c;
		memset(&c, 0, sizeof(c));
		c.connector_id = conns[i];
		res("GETCONNECTOR counts", ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &c));
		printf("  type %u connection %u modes %u props %u encoders %u mm %ux%u\n",
		       c.connector_type, c.connection, c.count_modes, c.count_props,
		       c.count_encoders, c.mm_width, c.mm_height);
		struct drm_mode_modeinfo modes[64];
		uint32_t props[64], cencs[MAXN];
		uint64_t vals[64];
		if (c.count_modes > 64 || c.count_props > 64 || c.count_encoders > MAXN)
			continue;
		c.modes_ptr = p64(modes);
		c.props_ptr = p64(props);
		c.prop_values_ptr = p64(vals);
		c.encoders_ptr = p64(cencs);
		res("GETCONNECTOR fill", ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &c));
		printf("  encoder %d modes %u", idx(encs, r.count_encoders, c.encoder_id),
		       c.count_modes);
		for (uint32_t m = 0; m < c.count_modes && m < 3; m++)
			printf(" %s@%u", modes[m].name, modes[m].vrefresh);
		printf("\n  encoders");
		for (uint32_t e = 0; e < c.count_encoders; e++)
			printf(" %d", idx(encs, r.count_encoders, cencs[e]));
		printf("\n");
		c.modes_ptr = p64(BAD_PTR);
		res("GETCONNECTOR bad modes", ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &c));
	}
	for (uint32_t i = 0; i < r.count_encoders; i++) {
		struct drm_mode_get_encoder e = { .encoder_id = encs[i] };
		res("GETENCODER", ioctl(fd, DRM_IOCTL_MODE_GETENCODER, &e));
		printf("  type %u crtc %d possible %#x %#x\n", e.encoder_type,
		       idx(crtcs, r.count_crtcs, e.crtc_id), e.possible_crtcs, e.possible_clones);
	}
	for (uint32_t i = 0; i < r.count_crtcs; i++) {
		struct drm_mode_crtc c;
		memset(&c, 0, sizeof(c));
		c.crtc_id = crtcs[i];
		res("GETCRTC", ioctl(fd, DRM_IOCTL_MODE_GETCRTC, &c));
		printf("  fb set %d at %u,%u gamma %u mode valid %u '%s'\n", c.fb_id != 0, c.x, c.y,
		       c.gamma_size, c.mode_valid, c.mode.name);
	}
	close(fd);
}

static void dumb(void)
{
	int fd = open(CARD, O_RDWR | O_CLOEXEC);
	struct drm_mode_create_dumb cd = { .width = 64, .height = 32, .bpp = 32 };
	res("CREATE_DUMB", ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd));
	printf("  handle set %d pitch %u size %llu\n", cd.handle != 0, cd.pitch,
	       (unsigned long long)cd.size);
	struct drm_mode_map_dumb md = { .handle = cd.handle };
	res("MAP_DUMB", ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &md));
	printf("  offset set %d page-aligned %d\n", md.offset != 0, !(md.offset & 4095));

	struct drm_mode_fb_cmd2 f;
	memset(&f, 0, sizeof(f));
	f.width = 64;
	f.height = 32;
	f.pixel_format = DRM_FORMAT_XRGB8888;
	f.handles[0] = cd.handle;
	f.pitches[0] = cd.pitch;
	res("ADDFB2", ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f));
	printf("  fb set %d handle kept %d pitch %u modifier %#llx\n", f.fb_id != 0,
	       f.handles[0] == cd.handle, f.pitches[0], (unsigned long long)f.modifier[0]);
	/* A modifier the driver does not take: found only where the kernel
	 * reads it (offset 68 on i386). */
	struct drm_mode_fb_cmd2 g = f;
	g.flags = DRM_MODE_FB_MODIFIERS;
	g.modifier[0] = 0x0100000000000001ull; /* an Intel X-tiled layout */
	res("ADDFB2 foreign modifier", ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &g));
	g.modifier[0] = DRM_FORMAT_MOD_LINEAR;
	res("ADDFB2 linear modifier", ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &g));
	if (g.fb_id && g.fb_id != f.fb_id)
		res("RMFB second", ioctl(fd, DRM_IOCTL_MODE_RMFB, &g.fb_id));
	res("ADDFB2 bad", ioctl(fd, DRM_IOCTL_MODE_ADDFB2, BAD_PTR));
	res("RMFB", ioctl(fd, DRM_IOCTL_MODE_RMFB, &f.fb_id));
	res("RMFB again", ioctl(fd, DRM_IOCTL_MODE_RMFB, &f.fb_id));
	struct drm_mode_destroy_dumb dd = { .handle = cd.handle };
	res("DESTROY_DUMB", ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd));
	res("DESTROY_DUMB again", ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd));
	close(fd);
}

/* drm_ioctl and drm_ioc32.c's WAIT_VBLANK write the struct back even
 * when the call fails: the bytes a failed call changed must reach the
 * guest under translation too (written-on-failure in the spec). */
static void failure(void)
{
	int fd = open(CARD, O_RDWR | O_CLOEXEC);
	/* bochs has no vblank: EOPNOTSUPP from the handler, after which the
	 * compat layer writes its reply, tval_usec zeroed, over the guest's. */
	union drm_wait_vblank vb;
	memset(&vb, 0x5a, sizeof(vb));
	vb.request.type = _DRM_VBLANK_RELATIVE;
	vb.request.sequence = 1;
	vb.request.signal = 0x1234;
	res("WAIT_VBLANK refused", ioctl(fd, DRM_IOCTL_WAIT_VBLANK, &vb));
	dump("  ", &vb, sizeof(vb));
	/* drm_getcap zeroes the value before it finds the capability unknown. */
	struct drm_get_cap cap;
	memset(&cap, 0x5a, sizeof(cap));
	cap.capability = 0x7fff;
	res("GET_CAP unknown", ioctl(fd, DRM_IOCTL_GET_CAP, &cap));
	printf("  value %#llx\n", (unsigned long long)cap.value);
	close(fd);
}

/* Planes and properties: __u64 lists then __u32s, i386's struct 4 bytes
 * shorter (no tail padding), its number differing by that. */
static void planes(void)
{
	int fd = open(CARD, O_RDWR | O_CLOEXEC);
	struct drm_set_client_cap cc = { .capability = DRM_CLIENT_CAP_UNIVERSAL_PLANES,
					 .value = 1 };
	res("SET_CLIENT_CAP UNIVERSAL_PLANES", ioctl(fd, DRM_IOCTL_SET_CLIENT_CAP, &cc));
	struct drm_mode_get_plane_res pr;
	memset(&pr, 0, sizeof(pr));
	res("GETPLANERESOURCES count", ioctl(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pr));
	printf("  planes %u\n", pr.count_planes);
	uint32_t ids[MAXN];
	if (pr.count_planes == 0 || pr.count_planes >= MAXN)
		return;
	uint32_t n = pr.count_planes;
	memset(ids, 0xff, sizeof(ids));
	pr.plane_id_ptr = p64(ids);
	pr.count_planes = 0; /* too short: the list stays as it was */
	res("GETPLANERESOURCES short", ioctl(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pr));
	printf("  planes %u first %#x\n", pr.count_planes, ids[0]);
	pr.count_planes = n;
	res("GETPLANERESOURCES fill", ioctl(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pr));
	printf("  planes %u first set %d next %#x pointer kept %d\n", pr.count_planes,
	       ids[0] != 0xffffffffu, ids[n], pr.plane_id_ptr == p64(ids));
	pr.plane_id_ptr = p64(BAD_PTR);
	res("GETPLANERESOURCES bad list", ioctl(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pr));
	res("GETPLANERESOURCES bad struct", ioctl(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, BAD_PTR));

	struct drm_mode_obj_get_properties op;
	memset(&op, 0, sizeof(op));
	op.obj_id = ids[0];
	op.obj_type = DRM_MODE_OBJECT_PLANE;
	res("OBJ_GETPROPERTIES count", ioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op));
	printf("  props %u\n", op.count_props);
	uint32_t props[64];
	uint64_t vals[64];
	if (op.count_props > 64)
		return;
	op.props_ptr = p64(props);
	op.prop_values_ptr = p64(vals);
	res("OBJ_GETPROPERTIES fill", ioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op));
	printf("  props %u:", op.count_props);
	for (uint32_t i = 0; i < op.count_props; i++)
		printf(" %u=%#llx", props[i], (unsigned long long)vals[i]);
	printf("\n");
	op.obj_type = DRM_MODE_OBJECT_CRTC; /* a plane's id is no CRTC */
	res("OBJ_GETPROPERTIES wrong type", ioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op));
	op.obj_type = DRM_MODE_OBJECT_PLANE;
	op.prop_values_ptr = p64(BAD_PTR);
	res("OBJ_GETPROPERTIES bad values", ioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op));
	res("OBJ_GETPROPERTIES bad struct", ioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, BAD_PTR));

	struct drm_mode_obj_set_property sp = { .value = 0, .prop_id = 0x7fffffff,
						.obj_id = ids[0], .obj_type = DRM_MODE_OBJECT_PLANE };
	res("OBJ_SETPROPERTY unknown property", ioctl(fd, DRM_IOCTL_MODE_OBJ_SETPROPERTY, &sp));
	res("OBJ_SETPROPERTY bad struct", ioctl(fd, DRM_IOCTL_MODE_OBJ_SETPROPERTY, BAD_PTR));
	close(fd);
}

/* DRI1 requests with plain structs, left to the kernel: no driver of
 * these kernels has them, and whether the struct comes back after the
 * EINVAL depends on the kernel (6.1 zeroes AGP_INFO's, 6.12 leaves it). */
static void dri1(void)
{
	int fd = open(CARD, O_RDWR | O_CLOEXEC);
	struct drm_ctx ctxs[4];
	struct drm_ctx_res cr = { .count = 4, .contexts = ctxs };
	res("RES_CTX", ioctl(fd, DRM_IOCTL_RES_CTX, &cr));
	printf("  count %d\n", cr.count);
	struct drm_buf_desc bd[4];
	struct drm_buf_info bi = { .count = 4, .list = bd };
	res("INFO_BUFS", ioctl(fd, DRM_IOCTL_INFO_BUFS, &bi));
	int idxs[2] = { 0, 1 };
	struct drm_buf_free bf = { .count = 2, .list = idxs };
	res("FREE_BUFS", ioctl(fd, DRM_IOCTL_FREE_BUFS, &bf));
	struct drm_agp_info ai;
	memset(&ai, 0x5a, sizeof(ai));
	res("AGP_INFO", ioctl(fd, DRM_IOCTL_AGP_INFO, &ai));
	dump("  ", &ai, sizeof(ai));
	close(fd);
}

/* Left to the kernel (task-tied in the spec): DRI1 requests that map
 * into the caller or check its CAP_SYS_ADMIN (the guest keeps root's, as
 * the native run has it: without it ADD_MAP is EACCES), and GETFB2, which the
 * kernel answers an i386 caller with x86_64's layout (the modifiers at
 * offset 72, not 68): the guest sees what it sees natively. */
static void kept(void)
{
	int fd = open(CARD, O_RDWR | O_CLOEXEC);
	char name[8] = "pci:x";
	struct drm_unique u = { .unique_len = 5, .unique = name };
	res("SET_UNIQUE", ioctl(fd, DRM_IOCTL_SET_UNIQUE, &u));
	struct drm_map m;
	memset(&m, 0, sizeof(m));
	res("GET_MAP", ioctl(fd, DRM_IOCTL_GET_MAP, &m));
	m.size = 4096;
	m.type = _DRM_SHM;
	res("ADD_MAP", ioctl(fd, DRM_IOCTL_ADD_MAP, &m));
	struct drm_buf_map bm;
	memset(&bm, 0, sizeof(bm));
	res("MAP_BUFS", ioctl(fd, DRM_IOCTL_MAP_BUFS, &bm));
	struct drm_dma d;
	memset(&d, 0, sizeof(d));
	res("DMA", ioctl(fd, DRM_IOCTL_DMA, &d));

	struct drm_mode_create_dumb cd = { .width = 64, .height = 32, .bpp = 32 };
	res("CREATE_DUMB", ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd));
	struct drm_mode_fb_cmd2 f;
	memset(&f, 0, sizeof(f));
	f.width = 64;
	f.height = 32;
	f.pixel_format = DRM_FORMAT_XRGB8888;
	f.flags = DRM_MODE_FB_MODIFIERS;
	f.handles[0] = cd.handle;
	f.pitches[0] = cd.pitch;
	f.modifier[0] = DRM_FORMAT_MOD_LINEAR;
	res("ADDFB2", ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f));
	struct drm_mode_fb_cmd2 g;
	memset(&g, 0x5a, sizeof(g));
	g.fb_id = f.fb_id;
	res("GETFB2", ioctl(fd, DRM_IOCTL_MODE_GETFB2, &g));
	printf("  %ux%u format %#x flags %#x handle set %d pitch %u\n", g.width, g.height,
	       g.pixel_format, g.flags, g.handles[0] != 0, g.pitches[0]);
	dump("  from handles[1]", &g.handles[1], sizeof(g) - offsetof(struct drm_mode_fb_cmd2, handles[1]));
	res("RMFB", ioctl(fd, DRM_IOCTL_MODE_RMFB, &f.fb_id));
	struct drm_mode_destroy_dumb dd = { .handle = cd.handle };
	res("DESTROY_DUMB", ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd));
	close(fd);
}

static const struct diff_case cases[] = {
	{ "info", info, "translated", need_card },
	{ "modeset", modeset, "translated", need_card },
	{ "dumb", dumb, "translated", need_card },
	{ "failure", failure, "translated", need_card },
	{ "planes", planes, "translated", need_card },
	{ "dri1", dri1, "kernel", need_card },
	{ "kept", kept, "kernel --keep-caps=sys_admin", need_card },
};

DIFF_MAIN(cases)
