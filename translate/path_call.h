/* The host call of a translated path call, made where its answer is the
 * guest's: by the worker, or, when the path may reach /proc, by a child
 * outside the supervisor's thread group. */
#ifndef CB_PATH_CALL_H
#define CB_PATH_CALL_H

#include <stdbool.h>
#include <stdint.h>

/* syscall(NR, A[0..5]) -> result or -errno, for a call that resolves PATH
 * from DIRFD (following the last component when FOLLOW; an empty PATH
 * names DIRFD itself). Runs with the calling thread's credentials. */
long cb_xpath_call(long nr, const uint64_t a[6], int dirfd, const char *path, bool follow);

/* Whether resolving PATH from DIRFD as the caller may involve procfs
 * (a procfs object, a magic link, or a resolution that could not be
 * followed to its end). Exposed for the unit test. */
bool cb_xpath_may_reach_proc(int dirfd, const char *path, bool follow);

/* FN(ARG) run by a child outside the supervisor's thread group that shares
 * its memory, fds and the calling thread's credentials (the calling thread
 * waits for it); FN's result, or -errno when the child cannot be made. */
long cb_outside_thread_group(long (*fn)(void *), void *arg);

/* Whether the /proc path RESOLVED (as readlink of an fd gives it) is
 * inside a directory of one of the supervisor's own tasks. Not from a
 * cb_outside_thread_group child (its pid is its own). */
bool cb_xpath_names_supervisor(const char *resolved);

#endif
