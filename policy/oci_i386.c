#include "oci_i386.h"

#include <stddef.h>
#include <string.h>

/* i386 name, the x86_64 call it does the same job as. Only pairs with the
 * same meaning of every argument a profile's unconditional rule could
 * care about: it is the decision that is carried over, not conditions. */
static const struct {
	const char *i386, *x86_64;
} aliases[] = {
	{ "_llseek", "lseek" },		{ "mmap2", "mmap" },
	{ "fcntl64", "fcntl" },		{ "stat64", "stat" },
	{ "lstat64", "lstat" },		{ "fstat64", "fstat" },
	{ "fstatat64", "newfstatat" },	{ "truncate64", "truncate" },
	{ "ftruncate64", "ftruncate" }, { "statfs64", "statfs" },
	{ "fstatfs64", "fstatfs" },	{ "sendfile64", "sendfile" },
	{ "_newselect", "select" },	{ "ugetrlimit", "getrlimit" },
	{ "chown32", "chown" },		{ "lchown32", "lchown" },
	{ "fchown32", "fchown" },	{ "getuid32", "getuid" },
	{ "getgid32", "getgid" },	{ "geteuid32", "geteuid" },
	{ "getegid32", "getegid" },	{ "setuid32", "setuid" },
	{ "setgid32", "setgid" },	{ "setreuid32", "setreuid" },
	{ "setregid32", "setregid" },	{ "setresuid32", "setresuid" },
	{ "setresgid32", "setresgid" }, { "getresuid32", "getresuid" },
	{ "getresgid32", "getresgid" }, { "getgroups32", "getgroups" },
	{ "setgroups32", "setgroups" }, { "setfsuid32", "setfsuid" },
	{ "setfsgid32", "setfsgid" },	{ "sigreturn", "rt_sigreturn" },
	{ "sigaction", "rt_sigaction" }, { "sigprocmask", "rt_sigprocmask" },
	{ "sigsuspend", "rt_sigsuspend" }, { "sigpending", "rt_sigpending" },
	{ "waitpid", "wait4" },		{ "set_thread_area", "arch_prctl" },
	{ "get_thread_area", "arch_prctl" },
	{ "clock_gettime64", "clock_gettime" },
	{ "clock_settime64", "clock_settime" },
	{ "clock_getres_time64", "clock_getres" },
	{ "clock_nanosleep_time64", "clock_nanosleep" },
	{ "clock_adjtime64", "clock_adjtime" },
	{ "timer_settime64", "timer_settime" },
	{ "timer_gettime64", "timer_gettime" },
	{ "timerfd_settime64", "timerfd_settime" },
	{ "timerfd_gettime64", "timerfd_gettime" },
	{ "utimensat_time64", "utimensat" },
	{ "pselect6_time64", "pselect6" },
	{ "ppoll_time64", "ppoll" },
	{ "io_pgetevents_time64", "io_pgetevents" },
	{ "recvmmsg_time64", "recvmmsg" },
	{ "mq_timedsend_time64", "mq_timedsend" },
	{ "mq_timedreceive_time64", "mq_timedreceive" },
	{ "semtimedop_time64", "semtimedop" },
	{ "rt_sigtimedwait_time64", "rt_sigtimedwait" },
	{ "futex_time64", "futex" },
	{ "sched_rr_get_interval_time64", "sched_rr_get_interval" },
};

const char *cb_oci_i386_alias(const char *x86_64_name, int i)
{
	for (size_t k = 0; k < sizeof(aliases) / sizeof(aliases[0]); k++)
		if (!strcmp(aliases[k].x86_64, x86_64_name) && i-- == 0)
			return aliases[k].i386;
	return NULL;
}
