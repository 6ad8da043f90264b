/* The struct converter: a guest's argument, described by the ABI layout
 * descriptors of layout.h, copied into host (x86_64) layout for the
 * supervisor to perform the call, and the results copied back in the
 * guest's layout afterwards. Pointers the descriptors annotate are followed:
 * what they point to is copied too and the host copy points to the copy.
 *
 * One call's worth of state lives in a struct cb_conv:
 *
 *	struct cb_conv cv;
 *	void *arg;
 *	int r = cb_conv_init(&cv, db, guest, request, &mem, 0);
 *	if (r == 0)
 *		r = cb_conv_in(&cv, ioc->arg_record, guest_addr, ioc->dir, &arg);
 *	if (r == 0) {
 *		... fds: cb_conv_fds(); the call: ioctl(hostfd, host_request, arg) ...
 *		r = cb_conv_out(&cv);
 *	}
 *	cb_conv_free(&cv);
 *
 * Semantics (all from the descriptors; there is no per-struct code):
 *
 * Direction. A record's direction is the one given to cb_conv_in or, for a
 * pointed-to record, the pointer's a.dir (inherited when NONE). A field's
 * a.dir overrides it for that field (and, for a nested struct, its inside);
 * on a pointer, a.dir is the direction of what it points to. A part that
 * is output only is not read from the guest: its host copy starts zeroed,
 * and pointers in it are not followed. Only output parts are converted
 * back; input parts keep the guest's own bytes, so followed pointers always
 * go back to the guest as the guest's own values. Padding in output parts
 * is zeroed in the guest, and so is a field the host ABI lacks (size 0
 * there); a field the guest lacks is dropped. Two annotations say what the
 * kernel does instead: a.keep — the guest's bytes stay untouched (they are
 * never written; the write-back skips them: i386 stat64's __pad1/__pad2,
 * which cp_stat64 does not write); a.mirror — the field gets the host value
 * of its sibling a.mirror_field, truncated (stat64's __st_ino, the low 32
 * bits of st_ino). Both act on output parts only; on input a kept or
 * mirrored field converts like any other.
 *
 * Integers. SINT/SLONG sign-extend, UINT/ULONG/PTR zero-extend. Narrowing
 * (host to i386) follows a.narrow: EOVERFLOW fails the call with -EOVERFLOW
 * when the value does not fit; TRUNCATE keeps the low bits; RLIM maps any
 * value >= the narrow all-ones (RLIM_INFINITY 0xffffffff on i386) to it,
 * and widens the narrow all-ones to the 64-bit all-ones.
 *
 * Pointers (a.target). No guest value ever reaches the host copy as an
 * address: a followed pointer becomes the address of the supervisor's copy,
 * VALUE (declared not an address) is copied as an integer, UNSUPPORTED is
 * NULL or the call fails with -EOPNOTSUPP, and a pointer with no target
 * (a descriptor that says nothing; the readers refuse those) is NULL or
 * -EINVAL. NULL stays NULL and nothing is copied; a length
 * field is still converted. RECORD: one target_record. BUF: bytes. ARRAY:
 * records of target_record; with len_in_bytes the length field counts
 * bytes: guest count = len / guest record size (rounded down), and the host
 * length field is set to count * host record size. STR: NUL-terminated,
 * read page by page, at most a.max bytes including the NUL (4096 when max
 * is 0); longer is -ENAMETOOLONG; strings are input only. A length comes
 * from len_field (len_up levels out through the enclosing records, across
 * the pointer that led there too; 0 is a sibling) or else len_const.
 * len_updated on the length field: after the call the host field holds the
 * kernel's new length; it goes back in guest units (host bytes of records
 * become guest bytes of records) and only that many elements are written
 * back (never more than were given) — so a NULL buffer asks for the length.
 * A pointer whose target other fields choose: with dir-by (a.ndirs), the
 * guest's value of a.dir_field picks the target's direction among
 * a.dir_values (none matches: NULL, nothing copied); with has_when, a
 * selector not holding when_value means NULL, or the else_* target when
 * there is one. a.has_wrote: only the host value of the sibling
 * a.wrote_field, after the call, in bytes goes back, and before every
 * other write-back (the kernel copies it before the record that counts
 * it). a.beyond_kernel: a
 * length above a.max gives NULL (the kernel refuses the length itself)
 * rather than -EINVAL. A VALUE field marked keep gets 0 in the host copy.
 * Followed pointers nest at most CB_CONV_MAX_DEPTH deep: deeper is -ELOOP.
 * Records nest by value at most CB_CONV_MAX_NEST deep (deeper: -EINVAL;
 * the .abi reader refuses such files, and cycles). One call visits at most
 * CB_CONV_MAX_STEPS fields and array elements, all its cb_conv_in and
 * cb_conv_out together: past that it fails with -E2BIG, so descriptors
 * whose records hold many others cannot make a small argument take
 * forever.
 *
 * Unions. The live member is chosen by the union field's annotation: with
 * select_cmd, cases hold HOST (x86_64) request numbers (what a generator
 * running on the host reads in the headers); the guest's request is
 * translated through db->ioctls, or taken as is when absent there (the
 * old-style numbers are the same on both ABIs). With select_field/select_up
 * (as len_field/len_up) the cases hold the selector's value; it is read
 * from the guest's bytes on the way in and from the host's on the way out
 * (the kernel may have changed it). No selector, or a value with no case:
 * a raw copy when the union is identical on both ABIs, else -EINVAL.
 *
 * Flexible arrays (a.flex, the record's last field) are counted by their
 * len_field (or len_in_bytes: bytes) and honoured in the record cb_conv_in
 * or a RECORD pointer names; elsewhere (nested, in arrays) -EINVAL. Element
 * size: size/count when count > 0, else size[] is one element's size, else
 * the record's or the ABI's long/pointer size.
 *
 * Fds (a.is_fd) are listed (cb_conv_fds) for the caller: it swaps the
 * guest's numbers for host fds before the call and, for output fds, puts
 * the guest's numbers into the host fields before cb_conv_out.
 *
 * Bounds. Every guest-given length is checked before anything is
 * allocated: negative (signed length fields) or above a.max is -EINVAL,
 * as is a byte length whose host equivalent overflows its field; more than
 * the arena can hold is -E2BIG (not ENOMEM: a log then tells our bound
 * from the machine running out). The arena, which holds every copy
 * and all bookkeeping of the call, is bounded by `limit`. A length larger
 * than the guest's real buffer shows as -EFAULT from reading it (input), or
 * from writing it back (output), as with the kernel. Unreadable or
 * unwritable guest memory is -EFAULT; -ENOENT from the memory callbacks
 * (the call is gone) is passed on unchanged. Descriptor errors (bad index,
 * bad size, RAW of different sizes) are -EINVAL.
 *
 * Records marked identical are copied as they are (one read, one write),
 * unless they hold an fd field: fds must be listed.
 *
 * Guest memory is read once: every length, selector and pointer is taken
 * from the same copy that is converted, so a guest thread rewriting its
 * memory during the call cannot make them disagree (no double fetch).
 * cb_conv_out converts everything before it writes anything; a write that
 * faults stops it, and what was written before stays written (as with the
 * kernel's copy_to_user).
 *
 * Threads: a struct cb_conv belongs to one thread and must not be copied
 * (it points into itself). It is large (an inline arena of CB_CONV_INLINE
 * bytes, so small calls never malloc); a worker can keep it on its stack. */
#ifndef CB_CONVERT_H
#define CB_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"

#define CB_CONV_HOST CB_ARCH_X86_64     /* the supervisor's ABI */
#define CB_CONV_LIMIT_DEFAULT (1u << 20) /* arena bound when limit is 0 */
#define CB_CONV_LIMIT_MAX (1u << 30)    /* largest limit accepted */
#define CB_CONV_MAX_DEPTH 4             /* pointer hops from the argument */
#define CB_CONV_MAX_NEST 16             /* structs within structs (descriptor sanity) */
#define CB_CONV_MAX_STEPS (1u << 22)    /* fields and elements one call may visit */
#define CB_ABI_MAX_EXPAND 65536         /* fields of a record counting those inside
					 * it (the .abi reader refuses more) */
#define CB_CONV_STR_MAX 4096            /* string cap when a.max is 0 (PATH_MAX) */
#define CB_CONV_INLINE 4096             /* arena bytes inside struct cb_conv */

/* The guest's address space. Both return 0, -EFAULT (not mapped), or
 * -ENOENT (the guest's call is gone; the converter passes it on). */
struct cb_guest_mem {
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t addr, const void *buf, size_t len);
	void *ctx;
	/* Optional: a read whose bytes go only into the write that follows it
	 * (a record's kept padding, written back whole), which may leave the
	 * call's liveness to that write's own check. NULL: READ. */
	int (*read_back)(void *ctx, uint64_t addr, void *buf, size_t len);
};

/* An integer field marked is_fd, in a host copy. */
struct cb_conv_fd {
	struct cb_conv_fd *next;
	void *host;          /* the host field: swap numbers here (cb_conv_fd_set) */
	uint32_t size;       /* its host size in bytes */
	enum cb_dir dir;     /* IN: the guest passes an fd; OUT: the kernel returns one */
	uint64_t gaddr;      /* where the field is in the guest */
	int64_t guest;       /* the number the guest passed (0 for output parts) */
	const char *name;    /* the field's name */
};

struct cb_conv_obj;
struct cb_conv_chunk;

/* One call's conversion state. The members are private to convert.c. */
struct cb_conv {
	const struct cb_abi_db *db;
	const struct cb_guest_mem *mem;
	enum cb_arch guest;
	uint32_t cmd;            /* the guest's request */
	uint32_t host_cmd;       /* ... as the host numbers it, once needed */
	bool host_cmd_known;
	bool done;               /* cb_conv_out ran */
	int error;               /* first failure: later calls repeat it */
	uint64_t addr_last;      /* highest guest address */
	size_t limit, used;      /* arena bound, bytes handed out */
	uint64_t steps;          /* fields and elements visited (CB_CONV_MAX_STEPS) */
	unsigned char *cur, *end, *last; /* bump region; last allocation */
	struct cb_conv_chunk *chunks;
	struct cb_conv_obj *objs, **tail;
	struct cb_conv_fd *fds, **fd_tail;
	const char *fail_record, *fail_field;
	_Alignas(16) unsigned char inline_buf[CB_CONV_INLINE];
};

/* Start a call's conversion: DB describes the records, GUEST is the
 * caller's ABI, CMD its ioctl request (0 when not an ioctl), MEM its memory,
 * LIMIT the arena bound (0: CB_CONV_LIMIT_DEFAULT). Never allocates.
 * 0, or -EINVAL (unknown ABI, no MEM, LIMIT above CB_CONV_LIMIT_MAX). */
int cb_conv_init(struct cb_conv *cv, const struct cb_abi_db *db, enum cb_arch guest,
		 uint32_t cmd, const struct cb_guest_mem *mem, size_t limit);

/* Copy the record RECORD at guest address GADDR into host layout, following
 * its pointers; *HOST receives the host copy (NULL when GADDR is 0: the host
 * call then reports EFAULT itself, or takes NULL as "absent"). DIR says
 * what the call does with it (NONE is taken as IN). May be called for
 * several arguments of one call. 0 or a negative errno (see above); after
 * a failure the call must not be performed. */
int cb_conv_in(struct cb_conv *cv, int record, uint64_t gaddr, enum cb_dir dir, void **host);
/* The same for COUNT consecutive records (an iovec array argument). */
int cb_conv_in_array(struct cb_conv *cv, int record, uint64_t gaddr, uint32_t count,
		     enum cb_dir dir, void **host);
/* LEN bytes (a buffer argument); output buffers are not read, but zeroed. */
int cb_conv_in_buf(struct cb_conv *cv, uint64_t gaddr, uint64_t len, enum cb_dir dir,
		   void **host);
/* A NUL-terminated string of at most MAX bytes with the NUL (0: 4096). */
int cb_conv_in_str(struct cb_conv *cv, uint64_t gaddr, uint32_t max, const char **host);

/* After the host call: convert every output part back and write it to the
 * guest, pointed-to buffers included, lengths updated in guest units.
 * 0, -EOVERFLOW (a value does not fit the guest's field; nothing written),
 * -EFAULT, -ENOENT. Once per call. */
int cb_conv_out(struct cb_conv *cv);

/* Before cb_conv_out: of the buffer or array whose host copy is HOST (as
 * cb_conv_in_buf / cb_conv_in_array or a followed pointer gave it), only
 * the first N elements (bytes for a buffer) go back to the guest — the
 * kernel wrote no more (getdents, read). The guest's bytes beyond stay as
 * they were. 0; -EINVAL when HOST is not such a copy (one record, or one
 * whose length field already says how much goes back). */
int cb_conv_out_trim(struct cb_conv *cv, const void *host, uint64_t n);

/* Release the arena; CV may then be initialised again. */
void cb_conv_free(struct cb_conv *cv);

/* The fd fields met by cb_conv_in, in order; NULL when none. */
const struct cb_conv_fd *cb_conv_fds(const struct cb_conv *cv);
/* Read or set an fd field's host value. */
int64_t cb_conv_fd_get(const struct cb_conv_fd *fd);
void cb_conv_fd_set(const struct cb_conv_fd *fd, int64_t value);

/* LEN zeroed bytes from the call's arena (freed with it), for a handler's
 * own host buffers: 0, -E2BIG past the limit, -ENOMEM. */
int cb_conv_scratch(struct cb_conv *cv, size_t len, void **out);
/* Arena bytes in use (copies and bookkeeping), for tests and logs. */
size_t cb_conv_used(const struct cb_conv *cv);
/* Where the first failure happened: record and field names, or NULL. */
void cb_conv_where(const struct cb_conv *cv, const char **record, const char **field);

/* Control messages (msg_control) of a guest. i386 has a 12-byte cmsghdr
 * (size_t cmsg_len) and 4-byte cmsg alignment; x86_64 16 bytes and 8. The
 * payloads are the same but for SOL_SOCKET's SO_TIMESTAMP_OLD (timeval),
 * SO_TIMESTAMPNS_OLD (timespec) and SO_TIMESTAMPING_OLD (3 timespecs),
 * which hold a 32-bit time_t on i386. Like the kernel's compat code:
 * the guest-to-host direction (sendmsg) re-frames the headers and copies
 * payloads as they are; the host-to-guest direction (recvmsg) also narrows
 * those timestamps (keeping the low 32 bits of tv_sec) and truncates what
 * does not fit in the guest's buffer with MSG_CTRUNC, an SCM_RIGHTS array
 * to whole fds. For an x86_64 guest both are plain copies.
 *
 * Wiring, with msg_control described as a BUF (all an x86_64 guest needs):
 * for an i386 guest, sendmsg's handler converts the BUF's host copy into a
 * cb_conv_scratch buffer of cb_conv_cmsg_host_space() bytes and points the
 * host msghdr at it (msg_controllen = *hlen); recvmsg's handler gives the
 * kernel such a scratch buffer instead and, after the call, converts it
 * into the BUF's host copy with cb_conv_cmsg_to_guest, sets the host
 * msg_controllen to *glen (len_updated: cb_conv_out writes that much
 * back) and ors MSG_CTRUNC into msg_flags when *ctrunc. */

/* Host bytes enough for what a guest control buffer of GLEN bytes holds,
 * either way (a guest cmsg grows at most from 12 + 24 to 16 + 48 bytes). */
size_t cb_conv_cmsg_host_space(enum cb_arch guest, size_t glen);
/* Guest control bytes G[0..GLEN) to host layout in H (HCAP bytes);
 * *HLEN receives the host length. -EINVAL for a malformed header (as
 * sendmsg), -ENOBUFS when HCAP is short. */
int cb_conv_cmsg_to_host(enum cb_arch guest, const void *g, size_t glen, void *h, size_t hcap,
			 size_t *hlen);
/* Host control bytes H[0..HLEN) (as the kernel wrote them) to guest layout
 * in G (GCAP bytes, the guest's msg_controllen). *GLEN receives the guest's
 * new msg_controllen; *CTRUNC is set when something did not fit (or'ed
 * into msg_flags as MSG_CTRUNC by the caller); *HUSED, when not NULL, the
 * host bytes delivered: SCM_RIGHTS fds beyond it were not delivered and
 * the caller must close them. -EINVAL for a malformed host buffer. */
int cb_conv_cmsg_to_guest(enum cb_arch guest, const void *h, size_t hlen, void *g, size_t gcap,
			  size_t *glen, bool *ctrunc, size_t *hused);

#endif
