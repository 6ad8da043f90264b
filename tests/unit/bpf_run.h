/* Running a seccomp filter in a unit test. */
#ifndef CB_TEST_BPF_RUN_H
#define CB_TEST_BPF_RUN_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>

/* The action PROG returns for D; a check failure on a bad program. */
uint32_t cb_test_bpf_run(const struct sock_fprog *p, const struct seccomp_data *d);

#endif
