#include "filter.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "../common/cleanup.h"

static void release_ctx(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}
#define cleanup_ctx __attribute__((cleanup(release_ctx)))

/* One context per ABI so each ABI gets its own rule set; they are merged
 * afterwards. libseccomp takes rule numbers in its native numbering and
 * translates them by name for each ABI. */
static int build_arch_ctx(const struct cb_trapset *ts, enum cb_arch arch,
			  scmp_filter_ctx *out, struct cb_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return cb_fail(err, ENOMEM, "seccomp_init failed");
	int rc = 0;
	if (cb_arch_scmp(arch) != SCMP_ARCH_NATIVE && seccomp_arch_native() != cb_arch_scmp(arch)) {
		rc = seccomp_arch_add(ctx, cb_arch_scmp(arch));
		if (!rc)
			rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	}
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* no_new_privs is set by the shim itself, before capabilities go. */
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (int nr = 0; !rc && nr < CB_NR_MAX; nr++) {
		bool deny = cb_trapset_denies(ts, arch, nr);
		if (!deny && !cb_trapset_has(ts, arch, nr))
			continue;
		const char *name = cb_syscall_name(arch, nr);
		int native = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
		if (native == __NR_SCMP_ERROR) {
			rc = -EINVAL;
			break;
		}
		rc = seccomp_rule_add(ctx, deny ? SCMP_ACT_ERRNO(ENOSYS) : SCMP_ACT_NOTIFY, native, 0);
	}
	if (rc) {
		seccomp_release(ctx);
		return cb_fail(err, rc, "building the %s seccomp filter failed: %s",
			       cb_arch_name(arch), strerror(-rc));
	}
	*out = ctx;
	return 0;
}

int cb_filter_build(const struct cb_trapset *ts, struct sock_fprog *prog, struct cb_err *err)
{
	cleanup_ctx scmp_filter_ctx ctx = NULL;
	int rc = build_arch_ctx(ts, CB_ARCH_X86_64, &ctx, err);
	if (rc)
		return rc;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		if (a == CB_ARCH_X86_64)
			continue;
		scmp_filter_ctx other = NULL;
		rc = build_arch_ctx(ts, a, &other, err);
		if (rc)
			return rc;
		rc = seccomp_merge(ctx, other); /* consumes other on success */
		if (rc) {
			seccomp_release(other);
			return cb_fail(err, rc, "merging seccomp filters failed: %s", strerror(-rc));
		}
	}

	/* libseccomp 2.5 exports only to an fd; a memfd keeps it in memory. */
	cleanup_fd int mfd = memfd_create("compatbox-bpf", MFD_CLOEXEC);
	if (mfd < 0)
		return cb_fail(err, errno, "memfd_create: %s", strerror(errno));
	rc = seccomp_export_bpf(ctx, mfd);
	if (rc)
		return cb_fail(err, rc, "exporting the seccomp filter failed: %s", strerror(-rc));
	struct stat st;
	if (fstat(mfd, &st) < 0)
		return cb_fail(err, errno, "fstat: %s", strerror(errno));
	if (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return cb_fail(err, E2BIG, "seccomp filter of %lld bytes is not loadable",
			       (long long)st.st_size);
	struct sock_filter *insns = malloc(st.st_size);
	if (!insns)
		return cb_fail(err, ENOMEM, "out of memory");
	if (pread(mfd, insns, st.st_size, 0) != st.st_size) {
		free(insns);
		return cb_fail(err, EIO, "reading back the seccomp filter failed");
	}
	prog->filter = insns;
	prog->len = st.st_size / sizeof(struct sock_filter);
	return 0;
}

void cb_filter_free(struct sock_fprog *prog)
{
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}
