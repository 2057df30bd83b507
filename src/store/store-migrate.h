/* Schema versioning: PRAGMA user_version counts applied migrations; each
 * migration runs in its own transaction together with the version bump,
 * so a crash leaves the database at one version or the next. */
#pragma once

#include <sqlite3.h>

#define STORE_SCHEMA_VERSION 3

/* Registers the SQL functions migrations use (part_fingerprint()). */
int store_migrate_register_functions(sqlite3 *db);
/* Reads PRAGMA user_version.  Returns it or -errno. */
int store_migrate_get_version(sqlite3 *db);
/* Applies migrations from the current version up to target (tests pass a
 * lower target to build an old schema).  -EPROTONOSUPPORT when the
 * database is already newer than target. */
int store_migrate(sqlite3 *db, int target);
/* The fingerprint of a received PDU: SHA-256 hex of its upper-case hex
 * form, so case differences from the modem do not matter. */
void store_pdu_fingerprint(const char *pdu_hex, char ret[65]);
/* The duplicate key of a received part (see store-receive.c): a single-part
 * message read from a storage slot (total 1, storage set, index >= 0) is
 * fingerprinted with its slot, anything else by its PDU alone. */
void store_part_fingerprint(const char *pdu_hex, unsigned total, const char *storage, int index, char ret[65]);
