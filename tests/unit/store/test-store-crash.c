/* Crash safety: a child stores received parts (mixed single and multipart,
 * shuffled) and "deletes them from the modem" (acknowledges over a pipe)
 * only after store_part_received() returned; the parent SIGKILLs it at
 * random instants and starts a new child that resumes from the first
 * unacknowledged part (or up to two before it: committed, not yet
 * deleted), as the daemon's restart sweep would.  At the end
 * every message is present exactly once with the right text, no group is
 * left pending and the database passes PRAGMA integrity_check. */
#include "store-test.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <time.h>

#define N_MESSAGES 60
#define MAX_PARTS 4
#define MAX_ROUNDS 40

typedef struct Msg {
        unsigned total;
        char text[MAX_PARTS][32];
        char sender[24];
} Msg;

typedef struct Item {
        unsigned msg, seq;
} Item;

static Msg msgs[N_MESSAGES];
static Item items[N_MESSAGES * MAX_PARTS];
static size_t n_items;

static void build_plan(unsigned seed) {
        srand(seed);
        n_items = 0;
        for (unsigned i = 0; i < N_MESSAGES; i++) {
                Msg *m = &msgs[i];
                unsigned order[MAX_PARTS];

                m->total = i % 3 == 0 ? 1 : 2 + (unsigned)rand() % (MAX_PARTS - 1);
                snprintf(m->sender, sizeof m->sender, "+1555555%04u", 100 + i % 7);
                for (unsigned p = 0; p < m->total; p++) {
                        snprintf(m->text[p], sizeof m->text[p], "m%u.p%u ", i, p + 1);
                        order[p] = p + 1;
                }
                for (unsigned p = m->total; p > 1; p--) {
                        unsigned j = (unsigned)rand() % p, t = order[p - 1];
                        order[p - 1] = order[j];
                        order[j] = t;
                }
                for (unsigned p = 0; p < m->total; p++)
                        items[n_items++] = (Item){i, order[p]};
        }
        /* Interleave neighbouring messages a little. */
        for (size_t k = 0; k + 1 < n_items; k += 3) {
                Item t = items[k];
                items[k] = items[k + 1];
                items[k + 1] = t;
        }
}

static void make_part(const Item *it, TestPart *t) {
        const Msg *m = &msgs[it->msg];
        /* 8-bit reference = message number: senders repeat, refs do not collide per sender. */
        if (m->total == 1)
                test_part(t, MODEM_A, m->sender, 0, 0, 1, 1, m->text[0]);
        else
                test_part(t, MODEM_A, m->sender, (uint16_t)it->msg, 8, (uint8_t)m->total, (uint8_t)it->seq,
                          m->text[it->seq - 1]);
}

static _Noreturn void child(const char *dir, size_t start, int ack_fd) {
        Store *s = NULL;

        if (store_open(dir, &s) < 0)
                _exit(2);
        for (size_t k = start; k < n_items; k++) {
                TestPart t;
                StorePartOutcome o;
                uint32_t ack = (uint32_t)k;

                make_part(&items[k], &t);
                if (store_part_received(s, &t.p, &o) < 0)
                        _exit(3);
                /* Only now may the part leave the modem. */
                if (write(ack_fd, &ack, sizeof ack) != sizeof ack)
                        _exit(4);
        }
        store_close(s);
        _exit(0);
}

static void test_store_crash_kill9_no_loss_no_duplicate(void **state) {
        char *dir = test_tmpdir(), *path = test_db_path(dir);
        size_t next = 0;
        unsigned rounds = 0, kills = 0, mid = 0;
        size_t before;
        struct timespec ts;
        Store *s = NULL;

        clock_gettime(CLOCK_REALTIME, &ts);
        build_plan((unsigned)ts.tv_nsec);
        assert_int_equal(store_open(dir, &s), 0);
        s = store_close(s);

        while (next < n_items) {
                int p[2], status;
                pid_t pid;
                uint32_t ack;
                bool finished;

                assert_int_equal(pipe2(p, O_CLOEXEC), 0);
                pid = fork();
                assert_true(pid >= 0);
                if (pid == 0) {
                        close(p[0]);
                        /* The last parts may have been committed but not yet
                         * deleted from the modem when the kill came: re-read
                         * up to two of them. */
                        size_t back = (size_t)(rand() % 3);
                        child(dir, next >= back ? next - back : 0, p[1]);
                }
                close(p[1]);
                rounds++;
                before = next;
                if (rounds < MAX_ROUNDS) {
                        /* Let it store a few parts, then kill it at a random
                         * instant inside the next ones. */
                        int want = rand() % 6;
                        for (int got = 0; got < want && read(p[0], &ack, sizeof ack) == sizeof ack; got++)
                                next = (size_t)ack + 1;
                        usleep((useconds_t)(rand() % 3000));
                        if (kill(pid, SIGKILL) == 0)
                                kills++;
                }
                assert_int_equal(waitpid(pid, &status, 0), pid);
                finished = WIFEXITED(status);
                if (finished)
                        assert_int_equal(WEXITSTATUS(status), 0);
                while (read(p[0], &ack, sizeof ack) == sizeof ack)
                        next = (size_t)ack + 1;
                close(p[0]);
                if (!finished && next > before)
                        mid++; /* killed after storing something */
                if (finished)
                        assert_int_equal(next, n_items);
        }
        assert_true(mid > 0);

        /* Every message exactly once, complete, with its text. */
        StoreSms *l = NULL;
        size_t n = 0;
        unsigned seen[N_MESSAGES] = {};
        assert_int_equal(store_open(dir, &s), 0);
        assert_int_equal(store_sms_list(s, NULL, &l, &n), 0);
        assert_int_equal(n, N_MESSAGES);
        for (size_t i = 0; i < n; i++) {
                unsigned idx;
                char expected[MAX_PARTS * 32] = "";

                assert_int_equal(l[i].state, STORE_SMS_RECEIVED);
                assert_int_equal(sscanf(l[i].text, "m%u.", &idx), 1);
                assert_true(idx < N_MESSAGES);
                seen[idx]++;
                for (unsigned p = 0; p < msgs[idx].total; p++)
                        strcat(expected, msgs[idx].text[p]);
                assert_string_equal(l[i].text, expected);
                assert_string_equal(l[i].number, msgs[idx].sender);
                assert_int_equal(l[i].parts_received, msgs[idx].total);
                assert_int_equal(l[i].conflicts, 0);
        }
        for (unsigned i = 0; i < N_MESSAGES; i++)
                assert_int_equal(seen[i], 1);
        store_sms_array_free(l, n);
        int64_t *ids = NULL;
        assert_int_equal(store_groups_expire(s, UINT64_MAX / 2, 0, &ids, &n), 0);
        assert_int_equal(n, 0); /* nothing pending */
        free(ids);
        s = store_close(s);

        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
        sqlite3_finalize(st);
        sqlite3_close(db);

        print_message("crash test: %u rounds, %u kills (%u after progress), %zu parts\n", rounds, kills, mid,
                      n_items);
        free(path);
        test_rmdir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_store_crash_kill9_no_loss_no_duplicate),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
