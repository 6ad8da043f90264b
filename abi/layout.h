/* ABI layout descriptors: how a C struct is laid out for each guest ABI,
 * plus what no header says (where pointers point, how long buffers are,
 * which union member is live). One model serves the tables generated at
 * build time and the .abi files loaded at run time.
 *
 * Every per-ABI array is indexed by enum cb_arch, so a new ABI (arm EABI,
 * aarch64) is a new enum value and a new column, not a redesign. */
#ifndef CB_LAYOUT_H
#define CB_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

enum cb_kind {
	CB_K_SINT,   /* signed integer, same width on every ABI (int, s64, ...) */
	CB_K_UINT,   /* unsigned integer, same width on every ABI */
	CB_K_SLONG,  /* signed integer whose width is the ABI's long */
	CB_K_ULONG,  /* unsigned, the ABI's long (size_t, unsigned long) */
	CB_K_PTR,    /* pointer: 4 bytes on i386, 8 on x86_64 */
	CB_K_ARRAY,  /* fixed array of elem_kind/elem_record, `count` elements */
	CB_K_STRUCT, /* nested struct: `record` */
	CB_K_UNION,  /* nested union: `record` */
	CB_K_PAD,    /* bytes between fields or at the tail: zero on output */
	CB_K_RAW,    /* bytes copied as they are (floats, opaque blobs) */
	CB_K_COUNT
};

enum cb_dir {
	CB_DIR_NONE,
	CB_DIR_IN,    /* the kernel reads it */
	CB_DIR_OUT,   /* the kernel writes it */
	CB_DIR_INOUT,
};

enum cb_target {
	CB_T_NONE,   /* nothing said: on a pointer an error (the reader and the
		      * generator refuse it, the converter fails with EINVAL) */
	CB_T_RECORD, /* points to one `target_record` */
	CB_T_BUF,    /* points to a byte buffer: len_field / len_const bytes */
	CB_T_STR,    /* points to a NUL-terminated string of at most `max` bytes */
	CB_T_ARRAY,  /* points to len_field / len_const records of `target_record` */
	CB_T_VALUE,  /* declared not an address (a cookie the kernel hands back):
		      * copied as an integer, never followed */
	CB_T_UNSUPPORTED, /* an address compatbox does not follow: a call that
			   * carries a non-NULL one fails with EOPNOTSUPP */
};

enum cb_narrow {
	CB_N_EOVERFLOW, /* a 64-bit value that does not fit fails the call */
	CB_N_TRUNCATE,  /* keep the low bits (flags, cookies) */
	CB_N_RLIM,      /* RLIM_INFINITY maps to the narrow ABI's infinity */
};

#define CB_NO_INDEX (-1)

/* A union member chosen when the selector has VALUE. */
struct cb_case {
	uint32_t value;
	int member; /* field index in the union's record */
	/* by_field: a case checked before the selector's, when the integer
	 * field `field` (found as len_field, `up` levels out) holds VALUE
	 * (v4l2_buffer: a multi-planar `type` means `planes`, whatever
	 * `memory` says). Otherwise VALUE is the selector's. */
	bool by_field;
	int field;
	int up;
};

/* What the headers do not say; all optional. */
struct cb_annot {
	enum cb_dir dir;          /* pointers; also the direction of a struct as a whole */
	enum cb_target target;
	int target_record;        /* CB_T_RECORD / CB_T_ARRAY */
	int len_field;            /* field holding the length or count, or CB_NO_INDEX */
	int len_up;               /* ... in the record len_up levels out (0: a sibling) */
	uint32_t len_const;       /* fixed length/count when len_field is CB_NO_INDEX */
	uint32_t max;             /* upper bound on a guest-given length/count, or string cap */
	bool len_in_bytes;        /* CB_T_ARRAY: len_field counts bytes, not elements */
	uint16_t len_unit;        /* CB_T_BUF: bytes per counted element (0: 1), e.g. 2
				   * for ff_periodic_effect's __s16 samples */
	/* A pointer followed only when an integer field (as len_field, len_up
	 * levels out) holds when_value; otherwise the host gets NULL: the
	 * kernel does not look at it then (ff_effect's custom_data unless
	 * waveform is FF_CUSTOM). */
	bool has_when;
	int when_field;
	int when_up;
	uint32_t when_value;
	/* The target when `when` does not hold, instead of NULL (else_target
	 * CB_T_NONE: NULL): sg_io_hdr.dxferp is dxfer_len bytes, or
	 * iovec_count sg_iovecs when that is not 0. Length and bound as
	 * len_field/len_up/max; else_record for ->array. */
	enum cb_target else_target;
	int else_record;
	int else_len_field;
	int else_len_up;
	uint32_t else_max;
	/* What a pointer's target is for the call, chosen by an integer field
	 * (found as len_field, dir_up levels out): the value dir_values[i]
	 * makes it dir_dirs[i]; any other leaves the pointer NULL, as the
	 * kernel moves nothing then (sg_io_hdr.dxfer_direction). ndirs 0: by
	 * `dir` as usual. */
	uint8_t ndirs;
	uint32_t dir_mask;        /* the bits of the field that count (0: all):
				   * usbdevfs_ctrltransfer.bRequestType's 0x80 */
	int dir_field;
	int dir_up;
	uint32_t dir_values[4];
	enum cb_dir dir_dirs[4];
	/* CB_T_BUF: after the call only as many bytes go back as the sibling
	 * integer field wrote_field holds (what the kernel says it wrote:
	 * sg_io_hdr.sbp, sb_len_wr), never more than were given. */
	bool has_wrote;
	int wrote_field;
	/* CB_T_BUF: a length above max is not refused; the host gets NULL with
	 * the guest's length, for the kernel to refuse by its own limit, which
	 * it checks before the pointer (SG_IO: EIO from a disk, EINVAL from
	 * sg). Where a device allows more than max, such a call fails (the
	 * kernel's EFAULT for NULL) instead of being performed. */
	bool beyond_kernel;
	bool len_updated;         /* on a length field: the kernel writes back the used length */
	bool flex;                /* trailing flexible array, counted by len_field */
	bool is_fd;               /* the integer is a file descriptor */
	enum cb_narrow narrow;
	/* Output fields the kernel does not fill from its own value of them:
	 * `keep` leaves the guest's bytes as they were (never written back:
	 * i386 stat64's pads, which cp_stat64 skips); `mirror` takes the value
	 * of the sibling field mirror_field, truncated (stat64's __st_ino, the
	 * low bits of st_ino). mirror_field means something only with mirror. */
	bool keep;
	bool mirror;
	int mirror_field;
	/* Unions: the live member is picked by a sibling field's value, or by
	 * the ioctl request (select_cmd). */
	int select_field;
	int select_up;            /* as len_up */
	bool select_cmd;
	const struct cb_case *cases;
	int ncases;
};

/* Longest field name, NUL included. A name in the record, not a pointer:
 * the built-in database (abigen/builtin_abi.c, some 2,300 fields) then
 * needs no load-time relocation, so its pages stay shared with the file
 * instead of being copied into every run at start-up. */
#define CB_FIELD_NAME_MAX 48

struct cb_field {
	char name[CB_FIELD_NAME_MAX]; /* "" for an anonymous member */
	enum cb_kind kind;
	uint32_t off[CB_ARCH_COUNT];
	uint32_t size[CB_ARCH_COUNT];
	/* CB_K_ARRAY: element kind and count; element size = size / count. */
	enum cb_kind elem_kind;
	uint32_t count;
	/* CB_K_STRUCT / CB_K_UNION, or an array of them: the record. */
	int record;
	struct cb_annot a;
};

/* A field's name for messages: "-" for an anonymous member. */
static inline const char *cb_field_label(const struct cb_field *f)
{
	return f->name[0] ? f->name : "-";
}

struct cb_record {
	const char *name; /* "stat64", or "ifreq.ifr_ifru" for anonymous members */
	bool is_union;
	bool task_tied;   /* its calls depend on the calling task: keep in the kernel */
	uint32_t size[CB_ARCH_COUNT];
	uint32_t align[CB_ARCH_COUNT];
	int nfields;
	const struct cb_field *fields;
	/* Same bytes on every ABI and nothing to follow: a plain copy will do.
	 * Computed when the database is built. */
	bool identical;
};

struct cb_ioctl {
	const char *name;
	uint32_t req[CB_ARCH_COUNT]; /* the number as each ABI's guest passes it */
	int arg_record;              /* the argument points to this record, or CB_NO_INDEX */
	enum cb_kind arg_kind;       /* else a scalar of this kind pointed to (or CB_K_PAD: none) */
	uint32_t arg_size[CB_ARCH_COUNT];
	enum cb_dir dir;
	bool task_tied;
	/* The kernel writes the argument back even when the call fails
	 * (drm_ioctl copies its struct out whatever the handler returned):
	 * so does the converter. */
	bool written_on_failure;
	/* The argument is an fd of the caller's table as a plain value
	 * (FICLONE's source, LOOP_SET_FD's backing file): the supervisor's
	 * copy of that fd goes to the host call in its place. */
	bool fd_value;
	/* A request pattern ("EVIOCGNAME(len)", "EVIOCGABS(abs)"): the bits of
	 * the number that are the macro's parameters, the same on every ABI;
	 * req[] is the number with every parameter 0. 0: an exact number. */
	uint32_t param_mask;
	/* The argument is as long as the request's _IOC size says: bytes
	 * (arg_kind CB_K_RAW, arg_size 0), or with arg_record that many bytes
	 * of records, back to back (SPI_IOC_MESSAGE(n)). */
	bool arg_from_req;
};

/* A request the headers of a family define, described or not: what
 * `abi list --stats` measures the database against (the spec's `scan`
 * lines; only the built-in database has them). */
struct cb_abi_known {
	const char *name;   /* the macro; a pattern's parameters at 0 */
	const char *family;
	uint32_t req[CB_ARCH_COUNT];
};

struct cb_abi_db {
	const struct cb_record *records;
	int nrecords;
	const struct cb_ioctl *ioctls;
	int nioctls;
	const struct cb_abi_known *known;
	int nknown;
};

/* Look-ups; NULL when absent. */
const struct cb_record *cb_abi_record(const struct cb_abi_db *db, const char *name);
int cb_abi_record_index(const struct cb_abi_db *db, const char *name);
const struct cb_ioctl *cb_abi_ioctl_by_name(const struct cb_abi_db *db, const char *name);
/* An exact number first, else the first pattern whose fixed bits match. */
const struct cb_ioctl *cb_abi_ioctl_by_req(const struct cb_abi_db *db, enum cb_arch arch,
					   uint32_t req);
/* The host's number for the guest's REQ of IO (a pattern keeps the guest's
 * parameter bits; with arg_from_req the size bits become HOST_SIZE). */
uint32_t cb_abi_ioctl_host_req(const struct cb_ioctl *io, uint32_t req, uint32_t host_size);
/* "EVIOCGBIT(ev,len)": the macro's name into BASE, its parameters' count
 * (0 for a plain name); -1 when NAME is neither a C identifier nor such a
 * pattern (identifiers separated by commas, no blanks). */
int cb_ioctl_pattern_split(const char *name, char *base, size_t cap);
/* NAME's C expression with every parameter 0 but parameter WHICH (-1:
 * none) set to VALUE, into BUF: "EVIOCGBIT(0,0x4)". -ENAMETOOLONG, -EINVAL. */
int cb_ioctl_pattern_expr(const char *name, int which, uint32_t value, char *buf, size_t cap);
int cb_abi_field_index(const struct cb_record *r, const char *name);
/* The first pointer field (or array of pointers) with no ->target: 0 and
 * REC and FIELD set, or -ENOENT when every pointer says where it points. */
int cb_abi_unsaid_pointer(const struct cb_abi_db *db, int *rec, int *field);
/* What to write on such a field, for messages. */
#define CB_ABI_PTR_HINT \
	"say where it points: '->record NAME', '->array NAME len=FIELD', '->buf len=FIELD', " \
	"'->str', or '->value' if it is not an address, '->unsupported' if it is one " \
	"compatbox must not follow (docs/abi.md)"
const char *cb_kind_name(enum cb_kind k);

#endif
