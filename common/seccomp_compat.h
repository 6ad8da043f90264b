/* Kernel interface constants that older uapi headers lack. Values are the
 * kernel's ABI and never change once released. */
#ifndef CB_SECCOMP_COMPAT_H
#define CB_SECCOMP_COMPAT_H

#include <linux/seccomp.h>
#include <sys/ioctl.h>

#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0) /* 6.6 */
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64) /* 6.6 */
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5) /* 5.19 */
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1) /* 5.14 */
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD 00000200 /* O_EXCL; 6.9 */
#endif

/* PROCMAP_QUERY on /proc/PID/maps (6.11): the VMA covering an address.
 * Our own names, so that newer headers' definitions do not collide. */
struct cb_procmap_query {
	__u64 size;
	__u64 query_flags;
	__u64 query_addr;
	__u64 vma_start;
	__u64 vma_end;
	__u64 vma_flags;
	__u64 vma_page_size;
	__u64 vma_offset;
	__u64 inode;
	__u32 dev_major;
	__u32 dev_minor;
	__u32 vma_name_size;
	__u32 build_id_size;
	__u64 vma_name_addr;
	__u64 build_id_addr;
};
#define CB_PROCMAP_QUERY _IOWR('f', 17, struct cb_procmap_query)
#define CB_PROCMAP_QUERY_VMA_WRITABLE 0x02
_Static_assert(CB_PROCMAP_QUERY == 0xc0686611, "the kernel's PROCMAP_QUERY number");

#endif
