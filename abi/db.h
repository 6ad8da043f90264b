/* A cb_abi_db in malloc'd memory, as the generator and the .abi reader build
 * it. The model's arrays are const for its readers; only these helpers
 * write through them. */
#ifndef CB_GEN_DB_H
#define CB_GEN_DB_H

#include <stddef.h>

#include "layout.h"

/* An annotation that says nothing: every index CB_NO_INDEX. */
void cb_annot_init(struct cb_annot *a);

/* Append a record/field/ioctl, zeroed but for the name (copied; NULL: an
 * unnamed pad) and CB_NO_INDEX indexes. NULL when out of memory. */
struct cb_record *cb_db_add_record(struct cb_abi_db *db, const char *name);
struct cb_field *cb_db_add_field(struct cb_abi_db *db, int rec, const char *name);
struct cb_field *cb_db_insert_field(struct cb_abi_db *db, int rec, int at, const char *name);
struct cb_ioctl *cb_db_add_ioctl(struct cb_abi_db *db, const char *name);

static inline struct cb_record *cb_db_rec(struct cb_abi_db *db, int r)
{
	return (struct cb_record *)&db->records[r];
}

static inline struct cb_field *cb_db_field(struct cb_abi_db *db, int r, int f)
{
	return (struct cb_field *)&db->records[r].fields[f];
}

static inline struct cb_ioctl *cb_db_ioctl(struct cb_abi_db *db, int i)
{
	return (struct cb_ioctl *)&db->ioctls[i];
}

/* Compute what is derived: each record's `identical`. */
void cb_abi_db_finish(struct cb_abi_db *db);

/* Free a database built with these helpers (not the builtin tables). */
void cb_abi_db_free(struct cb_abi_db *db);

/* "parent" of "parent.field", in BUF; false when NAME has no dot. */
bool cb_record_parent_name(const char *name, char *buf, size_t cap);

#endif
