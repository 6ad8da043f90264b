/* The i386 calls that x86_64 names differently: how a profile that lists
 * only x86_64 still decides them (policy/oci.c). */
#ifndef CB_OCI_I386_H
#define CB_OCI_I386_H

/* The I-th i386 name whose x86_64 counterpart is X86_64_NAME, from I = 0
 * up; NULL when there is no more. */
const char *cb_oci_i386_alias(const char *x86_64_name, int i);

#endif
