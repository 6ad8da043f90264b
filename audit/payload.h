/* What an ioctl's argument holds, for the audit record: fields by the
 * ABI descriptor, or bounded hex, and for a request nobody described what
 * can be inferred (docs/audit.md, "infer"). */
#ifndef CB_PAYLOAD_H
#define CB_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../abi/layout.h"
#include "../common/json.h"

/* Bytes of a payload read and shown as hex at most. */
#define CB_PAYLOAD_HEX_MAX 256
/* Payload words looked up in the guest's mappings at most, per call. */
#define CB_PAYLOAD_PTR_LOOKS 16

/* Write "payload": fields when IOC (from DB) describes the argument, else
 * hex of at most CB_PAYLOAD_HEX_MAX of the LEN bytes read; SIZE is the
 * size the request encodes (or the descriptor's), WHEN when it was read. */
void cb_payload_json(struct cb_json *j, enum cb_arch arch, const struct cb_abi_db *db,
		     const struct cb_ioctl *ioc, const void *bytes, size_t len, uint32_t size,
		     const char *when);
/* Offsets of the words of BYTES (ARCH's pointer size) whose value MAPPED
 * says is an address in the guest's mappings; at most MAX, after at most
 * CB_PAYLOAD_PTR_LOOKS looks. Returns how many. */
int cb_payload_ptr_words(enum cb_arch arch, const void *bytes, size_t len,
			 bool (*mapped)(void *ctx, uint64_t addr), void *ctx, int *offsets, int max);
/* Write "other_size": names of the generated tables with REQUEST's
 * direction, type and number but another size. */
void cb_payload_other_sizes(struct cb_json *j, enum cb_arch arch, uint32_t request);

#endif
