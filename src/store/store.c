/* Opening the store: file creation with mode 0600, refusal of corrupt,
 * foreign, newer or read-only databases, WAL + synchronous=FULL, schema
 * migration, and the prepared-statement cache the other store files use.
 *
 * Why synchronous=FULL: in WAL mode NORMAL survives an application crash
 * but may lose the last commits on power loss, and a received part is
 * deleted from the SIM right after its commit — so the commit must reach
 * the disk (https://www.sqlite.org/pragma.html#pragma_synchronous). */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store-internal.h"
#include "store/store-migrate.h"
#include "util/log.h"
#include "util/strutil.h"

#define BUSY_TIMEOUT_MS 5000

static const char *const direction_table[_STORE_DIRECTION_MAX] = {
        [STORE_DIRECTION_INCOMING] = "incoming",
        [STORE_DIRECTION_OUTGOING] = "outgoing",
};

static const char *const state_table[_STORE_SMS_STATE_MAX] = {
        [STORE_SMS_RECEIVING] = "receiving", [STORE_SMS_RECEIVED] = "received",
        [STORE_SMS_PARTIAL] = "partial",     [STORE_SMS_QUEUED] = "queued",
        [STORE_SMS_SENDING] = "sending",     [STORE_SMS_SENT] = "sent",
        [STORE_SMS_DELIVERED] = "delivered", [STORE_SMS_FAILED] = "failed",
};

static const char *const delivery_table[_STORE_DELIVERY_MAX] = {
        [STORE_DELIVERY_NONE] = "none",
        [STORE_DELIVERY_PENDING] = "pending",
        [STORE_DELIVERY_DELIVERED] = "delivered",
        [STORE_DELIVERY_FAILED] = "failed",
};

static const char *const part_result_table[_STORE_PART_RESULT_MAX] = {
        [STORE_PART_NEW_MESSAGE] = "new-message", [STORE_PART_ADDED] = "added",
        [STORE_PART_COMPLETED] = "completed",     [STORE_PART_DUPLICATE] = "duplicate",
        [STORE_PART_CONFLICT] = "conflict",
};

static int lookup(const char *const *table, int n, const char *s) {
        if (!s)
                return -1;
        for (int i = 0; i < n; i++)
                if (table[i] && streq(table[i], s))
                        return i;
        return -1;
}

const char *store_direction_to_string(StoreDirection d) {
        return d >= 0 && d < _STORE_DIRECTION_MAX ? direction_table[d] : NULL;
}

StoreDirection store_direction_from_string(const char *s) {
        return (StoreDirection)lookup(direction_table, _STORE_DIRECTION_MAX, s);
}

const char *store_sms_state_to_string(StoreSmsState s) {
        return s >= 0 && s < _STORE_SMS_STATE_MAX ? state_table[s] : NULL;
}

StoreSmsState store_sms_state_from_string(const char *s) {
        return (StoreSmsState)lookup(state_table, _STORE_SMS_STATE_MAX, s);
}

const char *store_delivery_status_to_string(StoreDeliveryStatus d) {
        return d >= 0 && d < _STORE_DELIVERY_MAX ? delivery_table[d] : NULL;
}

StoreDeliveryStatus store_delivery_status_from_string(const char *s) {
        return (StoreDeliveryStatus)lookup(delivery_table, _STORE_DELIVERY_MAX, s);
}

const char *store_part_result_to_string(StorePartResult r) {
        return r >= 0 && r < _STORE_PART_RESULT_MAX ? part_result_table[r] : NULL;
}

const char *store_error_message(int error) {
        switch (-abs(error)) {
        case -EBADMSG:
                return "the database file is not an SQLite database; refusing to run (move it aside)";
        case -EUCLEAN:
                return "the database is corrupt (integrity check failed); refusing to run rather than lose "
                       "messages (restore a backup or move it aside)";
        case -EPROTONOSUPPORT:
                return "the database schema is newer than this callstack understands; refusing to downgrade it";
        case -EROFS:
                return "the database or its directory is read-only; refusing to run without durable storage";
        case -EACCES:
                return "permission denied on the database or its directory";
        case -EPERM:
                return "operation not permitted on the database file: it is immutable (lsattr shows 'i'), or "
                       "accessible to group or others and owned by another user, so its mode cannot be fixed";
        case -ELOOP:
                return "the database path is a symbolic link; refusing to follow it";
        case -ENOENT:
                return "the state directory does not exist";
        case -ENOTDIR:
                return "the state directory is not a directory";
        case -EBADFD:
                return "the database path is not a regular file";
        case -ENOSPC:
                return "no space left for the database";
        case -EBUSY:
                return "the database is locked by another process";
        default:
                return "database error";
        }
}

int store_sqlite_errno(sqlite3 *db, int rc) {
        int sys;

        switch (rc & 0xFF) {
        case SQLITE_OK:
        case SQLITE_ROW:
        case SQLITE_DONE:
                return 0;
        case SQLITE_NOTADB:
                return -EBADMSG;
        case SQLITE_CORRUPT:
                return -EUCLEAN;
        case SQLITE_READONLY:
                return -EROFS;
        case SQLITE_PERM:
        case SQLITE_AUTH:
                return -EACCES;
        case SQLITE_FULL:
                return -ENOSPC;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return -EBUSY;
        case SQLITE_NOMEM:
                return -ENOMEM;
        case SQLITE_CONSTRAINT:
                return -EEXIST;
        case SQLITE_MISUSE:
        case SQLITE_RANGE:
                return -EINVAL;
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
                sys = db ? sqlite3_system_errno(db) : 0;
                if (sys == EROFS || sys == EACCES || sys == ENOSPC)
                        return -sys;
                return (rc & 0xFF) == SQLITE_CANTOPEN ? -EACCES : -EIO;
        default:
                return -EIO;
        }
}

int store_prepare(Store *s, StoreStmt id, const char *sql, sqlite3_stmt **ret) {
        sqlite3_stmt *st = s->stmts[id];
        int rc;

        if (!st) {
                rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
                if (rc != SQLITE_OK) {
                        log_debug("store: prepare failed: %s", sqlite3_errmsg(s->db));
                        return store_sqlite_errno(s->db, rc);
                }
                s->stmts[id] = st;
        } else {
                sqlite3_reset(st);
                sqlite3_clear_bindings(st);
        }
        *ret = st;
        return 0;
}

int store_step_done(Store *s, sqlite3_stmt *st) {
        int rc = sqlite3_step(st);
        int r = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_sqlite_errno(s->db, rc);
        sqlite3_reset(st);
        return r;
}

int store_column_strdup(sqlite3_stmt *st, int col, char **ret) {
        const unsigned char *t = sqlite3_column_text(st, col);
        if (!t) {
                *ret = NULL;
                return 0;
        }
        *ret = strdup((const char *)t);
        return *ret ? 0 : -ENOMEM;
}

static int tx_stmt(Store *s, StoreStmt id, const char *sql) {
        sqlite3_stmt *st;
        int r = store_prepare(s, id, sql, &st);
        if (r < 0)
                return r;
        return store_step_done(s, st);
}

int store_sync_relaxed(Store *s) {
        int r = tx_stmt(s, STMT_SYNC_NORMAL, "PRAGMA synchronous = NORMAL");
        if (r < 0)
                return r;
        s->relaxed = s->relaxed_op = true;
        return 0;
}

void store_sync_full(Store *s) {
        s->relaxed_op = false;
        if (tx_stmt(s, STMT_SYNC_FULL, "PRAGMA synchronous = FULL") >= 0 ||
            sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) == SQLITE_OK)
                s->relaxed = false;
}

int store_tx_begin(Store *s) {
        int r;

        if (s->relaxed && !s->relaxed_op) {
                store_sync_full(s);
                if (s->relaxed)
                        return -EIO; /* never commit a received part without fsync */
        }
        r = tx_stmt(s, STMT_BEGIN, "BEGIN IMMEDIATE");
        if (r >= 0)
                s->in_tx = true;
        return r;
}

int store_tx_commit(Store *s) {
        int r = tx_stmt(s, STMT_COMMIT, "COMMIT");
        if (r < 0) {
                store_tx_rollback(s);
                return r;
        }
        s->in_tx = false;
        return 0;
}

void store_tx_rollback(Store *s) {
        if (!s->in_tx)
                return;
        if (tx_stmt(s, STMT_ROLLBACK, "ROLLBACK") < 0 && sqlite3_get_autocommit(s->db) == 0)
                (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->in_tx = false;
}

/* Fixes (when ours) or refuses a file group/other may access. */
static int check_mode(int fd, const char *what) {
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if ((st.st_mode & 0077) == 0)
                return 0;
        if (st.st_uid != geteuid())
                return -EPERM;
        if (fchmod(fd, 0600) < 0)
                return -EPERM;
        log_debug("store: %s was mode %04o, now 0600", what, (unsigned)(st.st_mode & 07777));
        return 0;
}

/* The -wal and -shm files inherit the database's mode when SQLite creates
 * them; ones left from an older, laxer run are fixed the same way. */
static int check_sidecar(const char *path, const char *suffix) {
        _cleanup_free_ char *p = NULL;
        _cleanup_close_ int fd = -1;

        if (asprintf(&p, "%s%s", path, suffix) < 0)
                return -ENOMEM;
        fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        return check_mode(fd, suffix);
}

static int check_header(int fd) {
        static const char magic[16] = "SQLite format 3";
        char buf[16];
        ssize_t n = pread(fd, buf, sizeof buf, 0);

        if (n < 0)
                return -errno;
        if (n == 0)
                return 0; /* new, empty file */
        if (n < (ssize_t)sizeof buf || memcmp(buf, magic, sizeof buf) != 0)
                return -EBADMSG;
        return 0;
}

static int pragma_text(Store *s, const char *sql, char *ret, size_t size) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
        if (rc != SQLITE_OK)
                return store_sqlite_errno(s->db, rc);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                const unsigned char *t = sqlite3_column_text(st, 0);
                snprintf(ret, size, "%s", t ? (const char *)t : "");
                rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
                ret[0] = '\0';
                rc = SQLITE_OK;
        }
        sqlite3_finalize(st);
        return rc == SQLITE_OK ? 0 : store_sqlite_errno(s->db, rc);
}

static int configure(Store *s) {
        char buf[64];
        int r;

        sqlite3_extended_result_codes(s->db, 1);
        sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);

        /* The first read of the header: a foreign file shows up here. */
        r = pragma_text(s, "PRAGMA schema_version", buf, sizeof buf);
        if (r < 0)
                return r;
        r = pragma_text(s, "PRAGMA journal_mode = WAL", buf, sizeof buf);
        if (r < 0)
                return r;
        if (!streq(buf, "wal"))
                return -EROFS; /* WAL cannot be set up: read-only medium or directory */
        r = pragma_text(s, "PRAGMA synchronous = FULL", buf, sizeof buf);
        if (r >= 0)
                r = pragma_text(s, "PRAGMA foreign_keys = ON", buf, sizeof buf);
        if (r >= 0)
                r = pragma_text(s, "PRAGMA secure_delete = ON", buf, sizeof buf);
        if (r >= 0)
                r = pragma_text(s, "PRAGMA trusted_schema = OFF", buf, sizeof buf);
        if (r < 0)
                return r;

        r = pragma_text(s, "PRAGMA quick_check", buf, sizeof buf);
        if (r < 0)
                return r;
        if (!streq(buf, "ok"))
                return -EUCLEAN;
        return 0;
}

/* A real write at every open: a database we cannot commit to is refused
 * now, not when the first SMS arrives. */
static int write_probe(Store *s) {
        sqlite3_stmt *st;
        int r = store_prepare(s, STMT_META_PROBE,
                              "INSERT INTO meta (key, value) VALUES ('last_open', ?1)"
                              " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)store_now(s));
        return store_step_done(s, st);
}

static void read_boot_id(char *buf, size_t size) {
        _cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

        buf[0] = '\0';
        if (!f || !fgets(buf, (int)size, f)) {
                buf[0] = '\0';
                return;
        }
        buf[strcspn(buf, "\n")] = '\0';
}

int store_open(const char *dir, Store **ret) {
        _cleanup_store_ Store *s = NULL;
        _cleanup_close_ int fd = -1;
        int r, rc;

        if (!dir || !*dir || !ret)
                return -EINVAL;

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->clock = clock_system();
        s->max_pending_groups = STORE_DEFAULT_MAX_PENDING_GROUPS;
        s->seen_window = STORE_DEFAULT_SEEN_WINDOW;
        read_boot_id(s->boot_id, sizeof s->boot_id);
        if (asprintf(&s->path, "%s/%s", dir, STORE_DB_NAME) < 0) {
                s->path = NULL;
                return -ENOMEM;
        }

        /* Create it ourselves so the mode is 0600 whatever the umask. */
        fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
        if (fd < 0) {
                r = -errno;
                /* There but not writable for us: say "read-only". */
                if (r == -EACCES && faccessat(AT_FDCWD, s->path, R_OK, AT_EACCESS) == 0)
                        return -EROFS;
                return r;
        }
        r = check_mode(fd, "database");
        if (r < 0)
                return r;
        r = check_header(fd);
        if (r < 0)
                return r;
        r = check_sidecar(s->path, "-wal");
        if (r < 0)
                return r;
        r = check_sidecar(s->path, "-shm");
        if (r < 0)
                return r;
        /* Closed before SQLite opens the file: closing any descriptor of a
         * file drops every POSIX lock this process holds on it, SQLite's
         * shared lock included; another program (sqlite3 .backup) would then
         * take itself for the last connection and delete the -wal and -shm
         * files under our feet, and our later commits would go to a deleted
         * WAL. */
        close(fd);
        fd = -1;

        rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
        if (rc != SQLITE_OK)
                return store_sqlite_errno(s->db, rc);

        r = configure(s);
        if (r < 0)
                return r;
        r = store_migrate_register_functions(s->db);
        if (r < 0)
                return r;
        r = store_migrate(s->db, STORE_SCHEMA_VERSION);
        if (r < 0)
                return r;
        r = write_probe(s);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(s);
        return 0;
}

Store *store_close(Store *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < _STMT_MAX; i++)
                sqlite3_finalize(s->stmts[i]);
        if (s->db)
                sqlite3_close(s->db);
        free(s->path);
        free(s);
        return NULL;
}

void store_set_clock(Store *s, const Clock *clock) {
        s->clock = clock ? clock : clock_system();
}

void store_set_boot_id(Store *s, const char *boot_id) {
        snprintf(s->boot_id, sizeof s->boot_id, "%s", boot_id ? boot_id : "");
}

void store_set_max_pending_groups(Store *s, unsigned max) {
        s->max_pending_groups = max ? max : 1;
}

void store_set_seen_window(Store *s, uint64_t usec) {
        s->seen_window = usec;
}

int store_schema_version(Store *s) {
        return store_migrate_get_version(s->db);
}

const char *store_path(Store *s) {
        return s->path;
}

static int modem_seen(Store *s, const char *modem_key) {
        sqlite3_stmt *st;
        int r;

        if (!modem_key || !*modem_key)
                return -EINVAL;
        r = store_prepare(s, STMT_MODEM_SEEN,
                          "INSERT INTO modems (key, first_seen, last_seen) VALUES (?1, ?2, ?2)"
                          " ON CONFLICT (key) DO UPDATE SET last_seen = excluded.last_seen",
                          &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, modem_key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)store_now(s));
        return store_step_done(s, st);
}

int store_modem_seen(Store *s, const char *modem_key) {
        int r;

        if (!s)
                return -EINVAL;
        r = store_sync_relaxed(s);
        if (r < 0)
                return r;
        r = modem_seen(s, modem_key);
        store_sync_full(s);
        return r;
}
