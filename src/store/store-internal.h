/* Internals shared by the store's files: the Store object, the prepared
 * statement cache and transaction helpers.  Not a public API. */
#pragma once

#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"

typedef enum StoreStmt {
        STMT_BEGIN,
        STMT_SYNC_NORMAL,
        STMT_SYNC_FULL,
        STMT_COMMIT,
        STMT_ROLLBACK,
        STMT_META_PROBE,
        STMT_MODEM_SEEN,
        STMT_OUT_INSERT,
        STMT_OUT_PART_INSERT,
        STMT_SET_STATE,
        STMT_PART_SENT,
        STMT_PART_SENT_COUNT,
        STMT_MSG_SENT,
        STMT_FIND_MR,
        STMT_DELIVERY_PART,
        STMT_DELIVERY_AGG,
        STMT_DELIVERY_MSG,
        STMT_ORPHAN_INSERT,
        STMT_INTERRUPTED,
        STMT_SEEN_GET,
        STMT_SEEN_PUT,
        STMT_SEEN_PRUNE,
        STMT_SEEN_FORGET,
        STMT_IN_INSERT,
        STMT_IN_PART_INSERT,
        STMT_GROUP_FIND,
        STMT_GROUP_COUNT,
        STMT_GROUP_OLDEST,
        STMT_GROUP_PART_BY_SEQ,
        STMT_GROUP_PARTS,
        STMT_GROUP_RECEIVED_INC,
        STMT_GROUP_CONFLICT_INC,
        STMT_GROUP_FINISH,
        STMT_GROUP_EXPIRED,
        STMT_LIST_ALL,
        STMT_LIST_MODEM,
        STMT_GET,
        STMT_GET_PARTS,
        STMT_DELETE,
        _STMT_MAX,
} StoreStmt;

struct Store {
        sqlite3 *db;
        char *path;
        const Clock *clock;
        unsigned max_pending_groups;
        uint64_t seen_window;
        char boot_id[40]; /* this boot's /proc/sys/kernel/random/boot_id, "" unknown */
        sqlite3_stmt *stmts[_STMT_MAX];
        bool in_tx;
        bool relaxed;    /* the connection is at synchronous=NORMAL */
        bool relaxed_op; /* inside a relaxed operation */
};

/* Maps an SQLite result code to -errno (see store.h for the distinct ones). */
int store_sqlite_errno(sqlite3 *db, int rc);

/* Returns the cached statement for id, preparing sql the first time;
 * reset, bindings cleared. */
int store_prepare(Store *s, StoreStmt id, const char *sql, sqlite3_stmt **ret);

/* Runs a prepared statement that returns no rows (or ignores them). */
int store_step_done(Store *s, sqlite3_stmt *st);

static inline void store_stmt_resetp(sqlite3_stmt **st) {
        if (*st)
                sqlite3_reset(*st);
}
#define _cleanup_stmt_ __attribute__((cleanup(store_stmt_resetp)))

/* Durability classes.  By default every commit is fsync'ed
 * (synchronous=FULL).  Bookkeeping whose loss on power failure is harmless
 * (a state step after the durable insert, a TP-MR, a delivery report that
 * the SMSC or the modem's storage will give again) may run "relaxed"
 * (synchronous=NORMAL: survives kill -9, not power loss; made durable by the
 * next FULL commit, the WAL being append-only).  Pair every
 * store_sync_relaxed() with store_sync_full(). */
int store_sync_relaxed(Store *s);
void store_sync_full(Store *s);

/* BEGIN IMMEDIATE.  Outside a relaxed operation it first makes sure the
 * connection is back at synchronous=FULL (-EIO if that cannot be done). */
int store_tx_begin(Store *s);
int store_tx_commit(Store *s);
void store_tx_rollback(Store *s);

static inline uint64_t store_now(Store *s) {
        return clock_realtime(s->clock);
}

/* Binds a string or NULL. */
static inline int store_bind_text(sqlite3_stmt *st, int i, const char *v) {
        return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

/* Copies a column as a malloc()ed string (NULL stays NULL).  -ENOMEM. */
int store_column_strdup(sqlite3_stmt *st, int col, char **ret);
