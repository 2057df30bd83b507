/* Store open: file mode 0600 whatever the umask, refusal of foreign,
 * corrupt, newer and read-only databases with distinct errors, and schema
 * migrations from an empty file and from version 1. */
#include "store-test.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <grp.h>
#include <sys/wait.h>

#include "store/store-migrate.h"

static void test_store_open_creates_0600_despite_umask(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir), *wal = NULL;
        Store *s = NULL;
        struct stat st;
        mode_t old = umask(0);

        assert_int_equal(store_open(dir, &s), 0);
        umask(old);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_true(asprintf(&wal, "%s-wal", path) > 0);
        assert_int_equal(stat(wal, &st), 0); /* WAL mode is on */
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
        s = store_close(s);
        free(wal);
        free(path);
        test_rmdir(dir);
}

/* The README's online backup (`sqlite3 callstack.db .backup ...`) from
 * another process while the daemon runs: that process must not take itself
 * for the last connection and delete the WAL the store is using (it did
 * when store_open() closed its own descriptor after SQLite had locked the
 * file: close() drops all of a process's POSIX locks on the file). */
static void test_store_open_other_process_reader_keeps_wal(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir), *wal = NULL, *shm = NULL;
        Store *s = NULL;
        struct stat st;
        int status;
        pid_t pid;

        assert_int_equal(store_open(dir, &s), 0);
        assert_true(asprintf(&wal, "%s-wal", path) > 0);
        assert_true(asprintf(&shm, "%s-shm", path) > 0);
        assert_int_equal(stat(wal, &st), 0);

        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                /* A fresh program, as sqlite3(1) would be: a forked child would
                 * inherit this process's SQLite lock bookkeeping. */
                execl("/usr/bin/python3", "python3", "-c",
                      "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                      "c.execute('SELECT count(*) FROM sqlite_master').fetchall(); c.close()",
                      path, (char *)NULL);
                _exit(127);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(stat(wal, &st), 0); /* still there: we hold our lock */
        assert_int_equal(stat(shm, &st), 0);
        assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
        s = store_close(s);
        free(shm);
        free(wal);
        free(path);
        test_rmdir(dir);
}

static void test_store_open_fixes_group_readable_file(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        Store *s = NULL;
        struct stat st;

        assert_int_equal(store_open(dir, &s), 0);
        s = store_close(s);
        assert_int_equal(chmod(path, 0644), 0);
        assert_int_equal(store_open(dir, &s), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        s = store_close(s);
        free(path);
        test_rmdir(dir);
}

static void test_store_open_refuses_symlink(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        Store *s = NULL;

        assert_int_equal(symlink("/etc/passwd", path), 0);
        assert_int_equal(store_open(dir, &s), -ELOOP);
        assert_null(s);
        free(path);
        test_rmdir(dir);
}

static void test_store_open_missing_dir(void **state) {
        Store *s = NULL;
        assert_int_equal(store_open("/nonexistent/callstack-test", &s), -ENOENT);
        assert_int_equal(store_open("", &s), -EINVAL);
        assert_null(s);
        /* A regular file where the directory should be. */
        char *dir = test_tmpdir(), *file = test_db_path(dir);
        int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(store_open(file, &s), -ENOTDIR);
        assert_null(s);
        free(file);
        test_rmdir(dir);
        assert_string_equal(store_error_message(-ENOTDIR), "the state directory is not a directory");
}

static void write_file(const char *path, off_t off, const void *data, size_t n) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(pwrite(fd, data, n, off), (ssize_t)n);
        close(fd);
}

static void test_store_open_refuses_not_a_database(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        static const char junk[] = "this is not an SQLite database, it is a text file\n";
        Store *s = NULL;
        struct stat before, after;

        write_file(path, 0, junk, sizeof junk - 1);
        assert_int_equal(stat(path, &before), 0);
        assert_int_equal(store_open(dir, &s), -EBADMSG);
        assert_null(s);
        assert_int_equal(stat(path, &after), 0);
        assert_int_equal(after.st_size, before.st_size); /* untouched */
        assert_string_not_equal(store_error_message(-EBADMSG), store_error_message(-EUCLEAN));
        free(path);
        test_rmdir(dir);
}

static void fill_messages(Store *s, unsigned n) {
        char text[600];
        memset(text, 'x', sizeof text - 1);
        text[sizeof text - 1] = '\0';
        for (unsigned i = 0; i < n; i++) {
                StoreOutgoing o = {.modem_key = MODEM_A, .number = "+15555550123", .text = text,
                                   .encoding = REASSEMBLY_ENCODING_GSM7, .parts_total = 4, .ref_bits = 8,
                                   .msg_class = -1};
                int64_t id;
                assert_int_equal(store_sms_insert_outgoing(s, &o, &id), 0);
        }
}

static void test_store_open_refuses_corrupt_database(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        Store *s = NULL;
        struct stat st;
        char garbage[4096];

        assert_int_equal(store_open(dir, &s), 0);
        fill_messages(s, 100);
        s = store_close(s); /* checkpoints: everything is in the main file now */

        assert_int_equal(stat(path, &st), 0);
        assert_true(st.st_size > 16 * 4096);
        memset(garbage, 0xA5, sizeof garbage);
        /* Smash several b-tree pages in the middle of the file. */
        for (off_t page = 4; page < 12; page++)
                write_file(path, page * 4096, garbage, sizeof garbage);

        assert_int_equal(store_open(dir, &s), -EUCLEAN);
        assert_null(s);
        free(path);
        test_rmdir(dir);
}

static void test_store_open_refuses_newer_schema(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        Store *s = NULL;
        sqlite3 *db = NULL;

        assert_int_equal(store_open(dir, &s), 0);
        s = store_close(s);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        assert_int_equal(store_open(dir, &s), -EPROTONOSUPPORT);
        assert_null(s);
        free(path);
        test_rmdir(dir);
}

/* Read-only for the opening user: as root, the check runs in a child that
 * becomes nobody (root bypasses file modes). */
static void test_store_open_refuses_read_only(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        Store *s = NULL;
        pid_t pid;
        int status;

        assert_int_equal(store_open(dir, &s), 0);
        s = store_close(s);
        assert_int_equal(chmod(path, 0400), 0);

        if (geteuid() != 0) {
                assert_int_equal(store_open(dir, &s), -EROFS);
                assert_null(s);
        } else {
                assert_int_equal(chmod(dir, 0755), 0);
                assert_int_equal(chown(path, 65534, 65534), 0);
                pid = fork();
                assert_true(pid >= 0);
                if (pid == 0) {
                        int r;
                        if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
                                _exit(100);
                        r = store_open(dir, &s);
                        store_close(s);
                        free(path);
                        free(dir);
                        _exit(r == -EROFS ? 0 : r < 0 ? (-r & 0x7f) : 101);
                }
                assert_int_equal(waitpid(pid, &status, 0), pid);
                assert_true(WIFEXITED(status));
                assert_int_equal(WEXITSTATUS(status), 0);
        }
        free(path);
        test_rmdir(dir);
}

/* The file is writable but its directory is not: WAL needs to create
 * -wal/-shm next to it, so this is refused at open, not at the first SMS. */
static void test_store_open_refuses_read_only_directory(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        Store *s = NULL;
        pid_t pid;
        int status;

        if (geteuid() != 0) {
                skip();
                return;
        }
        assert_int_equal(store_open(dir, &s), 0);
        s = store_close(s);
        assert_int_equal(chown(path, 65534, 65534), 0);
        assert_int_equal(chown(dir, 65534, 65534), 0);
        assert_int_equal(chmod(dir, 0555), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                int r;
                if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
                        _exit(100);
                r = store_open(dir, &s);
                store_close(s);
                free(path);
                free(dir);
                fprintf(stderr, "read-only dir: %d\n", r);
                _exit(r == -EROFS ? 0 : r < 0 ? (-r & 0x7f) : 101);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(chmod(dir, 0700), 0);
        free(path);
        test_rmdir(dir);
}

static void test_store_open_migrates_from_empty(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        Store *s = NULL;
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        int tables = 0;

        assert_int_equal(store_open(dir, &s), 0);
        assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
        s = store_close(s);

        assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
                                            " ('modems', 'messages', 'message_parts', 'part_seen',"
                                            " 'orphan_reports', 'meta')",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        tables = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        assert_int_equal(tables, 6);

        /* Reopening an up-to-date database changes nothing. */
        assert_int_equal(store_open(dir, &s), 0);
        assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
        s = store_close(s);
        free(path);
        test_rmdir(dir);
}

static void test_store_open_migrates_from_v1(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        Store *s = NULL;
        sqlite3 *db = NULL;
        StoreSms *list = NULL;
        size_t n = 0;
        int fd;

        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(store_migrate(db, 1), 0);
        assert_int_equal(store_migrate_get_version(db), 1);
        assert_int_equal(sqlite3_exec(db,
                                      "INSERT INTO messages (id, modem_key, direction, state, number, text,"
                                      " encoding, parts_total, parts_received, created, updated) VALUES"
                                      " (7, '" MODEM_A "', 'incoming', 'received', '+15555550123', 'from v1',"
                                      " 'gsm7', 1, 1, 1000, 1000);"
                                      "INSERT INTO message_parts (message_id, seq, status, pdu, text, encoding,"
                                      " received_at, storage, storage_index) VALUES (7, 1, 'received',"
                                      " 'ABCDEF01', 'from v1', 'gsm7', 1000, 'SM', 1);",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);

        assert_int_equal(store_open(dir, &s), 0);
        assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
        assert_int_equal(store_sms_list(s, NULL, &list, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(list[0].id, 7);
        assert_string_equal(list[0].text, "from v1");
        assert_int_equal(list[0].conflicts, 0);
        assert_int_equal(list[0].state, STORE_SMS_RECEIVED);
        store_sms_array_free(list, n);

        /* v2 backfilled the fingerprint: the same PDU still in its SIM slot
         * (in lower case this time) is a duplicate, not a new message. */
        TestPart t;
        test_part(&t, MODEM_A, "+15555550123", 0, 0, 1, 1, "from v1");
        t.p.pdu_hex = "abcdef01";
        StorePartOutcome o = test_receive(s, &t.p);
        assert_int_equal(o.result, STORE_PART_DUPLICATE);
        assert_int_equal(o.message_id, 7);
        s = store_close(s);
        free(path);
        test_rmdir(dir);
}

static void test_store_error_messages_distinct(void **state) {
        const int errs[] = {-EBADMSG, -EUCLEAN, -EPROTONOSUPPORT, -EROFS, -EACCES, -EPERM};
        for (size_t i = 0; i < ELEMENTSOF(errs); i++) {
                assert_non_null(store_error_message(errs[i]));
                for (size_t j = i + 1; j < ELEMENTSOF(errs); j++)
                        assert_string_not_equal(store_error_message(errs[i]), store_error_message(errs[j]));
        }
}

static void test_store_modem_seen(void **state) {
        char *dir = test_tmpdir();
        Store *s = NULL;
        FakeClock fc;

        fake_clock_init(&fc, 1, 5000);
        assert_int_equal(store_open(dir, &s), 0);
        store_set_clock(s, &fc.clock);
        assert_int_equal(store_modem_seen(s, MODEM_A), 0);
        assert_int_equal(store_modem_seen(s, MODEM_A), 0);
        assert_int_equal(store_modem_seen(s, ""), -EINVAL);
        s = store_close(s);
        test_rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_store_open_creates_0600_despite_umask),
                cmocka_unit_test(test_store_open_other_process_reader_keeps_wal),
                cmocka_unit_test(test_store_open_fixes_group_readable_file),
                cmocka_unit_test(test_store_open_refuses_symlink),
                cmocka_unit_test(test_store_open_missing_dir),
                cmocka_unit_test(test_store_open_refuses_not_a_database),
                cmocka_unit_test(test_store_open_refuses_corrupt_database),
                cmocka_unit_test(test_store_open_refuses_newer_schema),
                cmocka_unit_test(test_store_open_refuses_read_only),
                cmocka_unit_test(test_store_open_refuses_read_only_directory),
                cmocka_unit_test(test_store_open_migrates_from_empty),
                cmocka_unit_test(test_store_open_migrates_from_v1),
                cmocka_unit_test(test_store_error_messages_distinct),
                cmocka_unit_test(test_store_modem_seen),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
