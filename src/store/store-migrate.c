/* Forward schema migrations; see store-migrate.h.  Never edit a released
 * migration: add a new one. */
#include "store/store-migrate.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-internal.h"
#include "store/store-sha256.h"
#include "util/log.h"

/* v1: modems, messages (incoming, outgoing, and pending multipart groups as
 * state 'receiving'), their parts, and a small meta table. */
static const char migration_1[] =
        "CREATE TABLE meta ("
        "  key TEXT PRIMARY KEY,"
        "  value TEXT"
        ");"
        "CREATE TABLE modems ("
        "  id INTEGER PRIMARY KEY,"
        "  key TEXT NOT NULL UNIQUE,"
        "  first_seen INTEGER NOT NULL,"
        "  last_seen INTEGER NOT NULL"
        ");"
        "CREATE TABLE messages ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  modem_key TEXT NOT NULL,"
        "  direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),"
        "  state TEXT NOT NULL CHECK (state IN ('receiving', 'received', 'partial', 'queued',"
        "                                      'sending', 'sent', 'delivered', 'failed')),"
        "  state_reason TEXT,"
        "  number TEXT NOT NULL,"
        "  text TEXT NOT NULL DEFAULT '',"
        "  smsc TEXT,"
        "  class INTEGER NOT NULL DEFAULT -1,"
        "  encoding TEXT NOT NULL,"
        "  timestamp INTEGER NOT NULL DEFAULT 0,"
        "  discharge_time INTEGER NOT NULL DEFAULT 0,"
        "  parts_total INTEGER NOT NULL,"
        "  parts_received INTEGER NOT NULL DEFAULT 0,"
        "  reference INTEGER NOT NULL DEFAULT 0,"
        "  ref_bits INTEGER NOT NULL DEFAULT 0,"
        "  delivery_status TEXT NOT NULL DEFAULT 'none',"
        "  delivery_report INTEGER NOT NULL DEFAULT 0,"
        "  validity INTEGER NOT NULL DEFAULT 0,"
        "  created INTEGER NOT NULL,"
        "  updated INTEGER NOT NULL"
        ");"
        "CREATE INDEX messages_modem ON messages (modem_key, id);"
        "CREATE UNIQUE INDEX messages_pending_group"
        "  ON messages (modem_key, number, reference, ref_bits, parts_total)"
        "  WHERE state = 'receiving';"
        "CREATE TABLE message_parts ("
        "  id INTEGER PRIMARY KEY,"
        "  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
        "  seq INTEGER NOT NULL,"
        "  status TEXT NOT NULL,"
        "  mr INTEGER,"
        "  tp_st INTEGER,"
        "  sent_at INTEGER,"
        "  pdu TEXT,"
        "  text TEXT,"
        "  ud BLOB,"
        "  encoding TEXT,"
        "  timestamp INTEGER,"
        "  storage TEXT,"
        "  storage_index INTEGER,"
        "  decode_failed INTEGER NOT NULL DEFAULT 0,"
        "  decode_error TEXT,"
        "  received_at INTEGER"
        ");"
        "CREATE UNIQUE INDEX message_parts_accepted ON message_parts (message_id, seq)"
        "  WHERE status != 'conflict';"
        "CREATE INDEX message_parts_message ON message_parts (message_id);";

/* v2: duplicate detection by PDU fingerprint (kept when a message is
 * deleted, as a hash only), a conflict counter, status reports that matched
 * nothing, and the index delivery-report matching needs.  Parts stored
 * under v1 get their fingerprints so a copy still on the modem is not
 * taken for a new message after the upgrade. */
static const char migration_2[] =
        "ALTER TABLE messages ADD COLUMN conflicts INTEGER NOT NULL DEFAULT 0;"
        "CREATE TABLE part_seen ("
        "  modem_key TEXT NOT NULL,"
        "  hash TEXT NOT NULL,"
        "  message_id INTEGER,"
        "  seen_at INTEGER NOT NULL,"
        "  PRIMARY KEY (modem_key, hash)"
        ") WITHOUT ROWID;"
        "CREATE INDEX part_seen_age ON part_seen (seen_at);"
        "INSERT OR IGNORE INTO part_seen (modem_key, hash, message_id, seen_at)"
        "  SELECT m.modem_key, part_fingerprint(p.pdu, m.parts_total, p.storage, p.storage_index), m.id,"
        "         COALESCE(p.received_at, m.created)"
        "  FROM message_parts p JOIN messages m ON m.id = p.message_id"
        "  WHERE m.direction = 'incoming' AND p.pdu IS NOT NULL;"
        "CREATE INDEX message_parts_mr ON message_parts (mr, sent_at) WHERE mr IS NOT NULL;"
        "CREATE TABLE orphan_reports ("
        "  id INTEGER PRIMARY KEY,"
        "  modem_key TEXT NOT NULL,"
        "  mr INTEGER NOT NULL,"
        "  recipient TEXT,"
        "  tp_st INTEGER NOT NULL,"
        "  pdu TEXT,"
        "  received_at INTEGER NOT NULL"
        ");";

/* v3: the boot and monotonic time a message was created, so pending
 * groups created during this boot age on the monotonic clock and a wall
 * clock jump (first NTP sync on a board without RTC) does not expire them
 * early. */
static const char migration_3[] =
        "ALTER TABLE messages ADD COLUMN boot_id TEXT;"
        "ALTER TABLE messages ADD COLUMN created_mono INTEGER;";

static const char *const migrations[STORE_SCHEMA_VERSION] = {
        migration_1,
        migration_2,
        migration_3,
};

void store_pdu_fingerprint(const char *pdu_hex, char ret[65]) {
        size_t n = strlen(pdu_hex);
        char *up = malloc(n + 1);

        if (!up) {
                /* Hash the input as is: same result for the usual upper-case PDU. */
                store_sha256_hex(pdu_hex, n, ret);
                return;
        }
        for (size_t i = 0; i < n; i++)
                up[i] = (char)toupper((unsigned char)pdu_hex[i]);
        store_sha256_hex(up, n, ret);
        free(up);
}

void store_part_fingerprint(const char *pdu_hex, unsigned total, const char *storage, int index, char ret[65]) {
        char *key = NULL;

        if (total == 1 && storage && index >= 0 && asprintf(&key, "%s@%s:%d", pdu_hex, storage, index) >= 0) {
                store_pdu_fingerprint(key, ret);
                free(key);
                return;
        }
        store_pdu_fingerprint(pdu_hex, ret);
}

/* part_fingerprint(pdu, parts_total, storage, storage_index) */
static void sql_part_fingerprint(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
        const unsigned char *pdu = sqlite3_value_text(argv[0]);
        const unsigned char *storage = sqlite3_value_text(argv[2]);
        sqlite3_int64 total = sqlite3_value_int64(argv[1]);
        sqlite3_int64 index = sqlite3_value_type(argv[3]) == SQLITE_NULL ? -1 : sqlite3_value_int64(argv[3]);
        char h[65];

        if (!pdu) {
                sqlite3_result_null(ctx);
                return;
        }
        if (index < 0 || index > INT32_MAX)
                index = -1;
        store_part_fingerprint((const char *)pdu, total == 1 ? 1 : 0, (const char *)storage, (int)index, h);
        sqlite3_result_text(ctx, h, -1, SQLITE_TRANSIENT);
}

int store_migrate_register_functions(sqlite3 *db) {
        int rc = sqlite3_create_function(db, "part_fingerprint", 4,
                                         SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
                                         sql_part_fingerprint, NULL, NULL);
        return rc == SQLITE_OK ? 0 : store_sqlite_errno(db, rc);
}

int store_migrate_get_version(sqlite3 *db) {
        sqlite3_stmt *st = NULL;
        int rc, v;

        rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
        if (rc != SQLITE_OK)
                return store_sqlite_errno(db, rc);
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) {
                sqlite3_finalize(st);
                return store_sqlite_errno(db, rc);
        }
        v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        return v < 0 ? -EPROTONOSUPPORT : v;
}

static int exec(sqlite3 *db, const char *sql) {
        char *err = NULL;
        int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
        if (rc != SQLITE_OK) {
                log_debug("store: migration statement failed: %s", err ? err : sqlite3_errstr(rc));
                sqlite3_free(err);
                return store_sqlite_errno(db, rc);
        }
        return 0;
}

int store_migrate(sqlite3 *db, int target) {
        int v, r;

        if (target < 0 || target > STORE_SCHEMA_VERSION)
                return -EINVAL;
        v = store_migrate_get_version(db);
        if (v < 0)
                return v;
        if (v > target)
                return -EPROTONOSUPPORT;

        for (; v < target; v++) {
                char bump[64];

                r = exec(db, "BEGIN IMMEDIATE");
                if (r < 0)
                        return r;
                r = exec(db, migrations[v]);
                if (r >= 0) {
                        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
                        r = exec(db, bump);
                }
                if (r >= 0)
                        r = exec(db, "COMMIT");
                if (r < 0) {
                        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
                        return r;
                }
                log_debug("store: schema migrated to version %d", v + 1);
        }
        return 0;
}
