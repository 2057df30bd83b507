/* Unit tests for the SMS service (messaging*.c) over the AT engine core
 * driven by hand (bytes in with at_chat_feed(), commands out through a
 * recording write function) and a real SQLite store in a temp dir.  No
 * event loop: jobs run synchronously.  Vectors: field cases C10 (GSM '@'),
 * C14 (+CDS status report), C19 (+CMTI naming another memory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "messaging/messaging.h"
#include "store/store.h"

/* C10: SMS-DELIVER from +15555550123, "@home: mail user@example.com by 9". */
#define PDU_C10 "07915155550501F0040B915155550521F30000423051010300402100F4BB5DD681DAE1341B549F97E580323EDC86B3CBAEF1BB0D12E74139"
#define TEXT_C10 "@home: mail user@example.com by 9"
/* C14: status report, TP-MR 64, recipient +15555550150, TP-ST 0 (delivered). */
#define PDU_C14_MR64 "07915155550501F006400B915155550551F0421090718384224210907183252200"

typedef struct Fx {
        FakeClock clock;
        AtChat *chat;
        Store *store;
        Messaging *m;
        char dir[64];
        char written[65536];
        size_t wlen, rpos; /* rpos: what the test has consumed */
        int64_t added[64];
        bool added_incoming[64];
        size_t n_added;
        size_t n_changed;
} Fx;

static int fx_write(const void *buf, size_t len, void *userdata) {
        Fx *f = userdata;
        assert_true(f->wlen + len < sizeof(f->written));
        memcpy(f->written + f->wlen, buf, len);
        f->wlen += len;
        f->written[f->wlen] = '\0';
        return 0;
}

static void on_added(Messaging *m, int64_t id, bool incoming, void *userdata) {
        Fx *f = userdata;
        assert_true(f->n_added < 64);
        f->added_incoming[f->n_added] = incoming;
        f->added[f->n_added++] = id;
}

static void on_changed(Messaging *m, int64_t id, void *userdata) {
        Fx *f = userdata;
        f->n_changed++;
}

static void feed(Fx *f, const char *s) {
        at_chat_feed(f->chat, s, strlen(s));
}

/* The next thing written must be cmd (CR added). */
static void expect(Fx *f, const char *cmd) {
        char want[1024];
        snprintf(want, sizeof(want), "%s\r", cmd);
        if (strncmp(f->written + f->rpos, want, strlen(want)) != 0)
                fail_msg("expected '%s', modem got '%s'", cmd, f->written + f->rpos);
        f->rpos += strlen(want);
}

static void expect_raw(Fx *f, const char *raw) {
        if (strncmp(f->written + f->rpos, raw, strlen(raw)) != 0)
                fail_msg("expected raw '%s', modem got '%s'", raw, f->written + f->rpos);
        f->rpos += strlen(raw);
}

static void expect_nothing(Fx *f) {
        if (f->rpos != f->wlen)
                fail_msg("unexpected output '%s'", f->written + f->rpos);
}

static int setup(void **state) {
        Fx *f = calloc(1, sizeof(Fx));
        MessagingConfig cfg = {
                .modem_key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                .storages = "SM,ME",
                .group_max_age_usec = 3600 * USEC_PER_SEC,
        };
        MessagingCallbacks cb = { .added = on_added, .changed = on_changed, .userdata = f };

        assert_non_null(f);
        fake_clock_init(&f->clock, 1000 * USEC_PER_SEC, UINT64_C(1700000000) * USEC_PER_SEC);
        strcpy(f->dir, "/tmp/test-messaging-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        assert_int_equal(store_open(f->dir, &f->store), 0);
        store_set_clock(f->store, &f->clock.clock);
        assert_int_equal(at_chat_new(&f->clock.clock, fx_write, f, &f->chat), 0);
        assert_int_equal(messaging_new(f->chat, NULL, f->store, &f->clock.clock, &cfg, &cb, &f->m), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fx *f = *state;
        char cmd[128];

        messaging_free(f->m);
        at_chat_unref(f->chat);
        store_close(f->store);
        snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

/* Start-up with empty storages: CMGF, CSMS?, CNMI, then a sweep of SM and ME. */
static void start_empty(Fx *f) {
        assert_int_equal(messaging_start(f->m), 0);
        expect(f, "AT+CMGF=0");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CSMS?");
        feed(f, "\r\n+CSMS: 0,1,1,1\r\n\r\nOK\r\n");
        expect(f, "AT+CNMI=2,1,0,1,0");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CPMS=\"SM\"");
        feed(f, "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n");
        expect(f, "AT+CMGL=4");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CPMS=\"ME\"");
        feed(f, "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n");
        expect(f, "AT+CMGL=4");
        feed(f, "\r\nOK\r\n");
        expect_nothing(f);
        assert_int_equal(messaging_pending_jobs(f->m), 0);
}

static void assert_text(Fx *f, int64_t id, const char *number, const char *text) {
        StoreSms *s = NULL;
        assert_int_equal(store_sms_get(f->store, id, &s), 0);
        assert_string_equal(s->number, number);
        assert_string_equal(s->text, text);
        store_sms_free(s);
}

/* With ME selected: "+CMTI: ME,1", AT+CMGR=1 read back as the C10 PDU. */
static void indicate_and_read_c10(Fx *f) {
        feed(f, "\r\n+CMTI: \"ME\",1\r\n");
        expect(f, "AT+CMGR=1");
        feed(f, "\r\n+CMGR: 0,,33\r\n" PDU_C10 "\r\n\r\nOK\r\n");
}

static void test_messaging_start_sweep_stores_then_deletes(void **state) {
        Fx *f = *state;

        assert_int_equal(messaging_start(f->m), 0);
        expect(f, "AT+CMGF=0");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CSMS?");
        feed(f, "\r\nERROR\r\n");
        expect(f, "AT+CNMI=2,1,0,1,0");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CPMS=\"SM\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGL=4");
        feed(f, "\r\n+CMGL: 3,0,,33\r\n" PDU_C10 "\r\n\r\nOK\r\n");
        /* Stored (and announced) before the slot is freed. */
        assert_int_equal(f->n_added, 1);
        assert_true(f->added_incoming[0]);
        assert_text(f, f->added[0], "+15555550123", TEXT_C10);
        expect(f, "AT+CMGD=3");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CPMS=\"ME\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGL=4");
        /* The same PDU in another slot: a second real message (same sender,
         * text and second), kept. */
        feed(f, "\r\n+CMGL: 1,1,,33\r\n" PDU_C10 "\r\n\r\nOK\r\n");
        assert_int_equal(f->n_added, 2);
        expect(f, "AT+CMGD=1");
        /* AT+CMGD not confirmed and the slot named again (as after a crash
         * between commit and CMGD): the same PDU there is a duplicate, not
         * a third message; the slot is still freed. */
        feed(f, "\r\nERROR\r\n");
        feed(f, "\r\n+CMTI: \"ME\",1\r\n");
        expect(f, "AT+CMGR=1");
        feed(f, "\r\n+CMGR: 1,,33\r\n" PDU_C10 "\r\n\r\nOK\r\n");
        expect(f, "AT+CMGD=1");
        feed(f, "\r\nOK\r\n");
        assert_int_equal(f->n_added, 2);
        /* Now the modem confirmed the slot free: the same PDU arriving there
         * again is a new message (a second "OK" of the same second). */
        indicate_and_read_c10(f); /* ME 1 */
        assert_int_equal(f->n_added, 3);
        expect(f, "AT+CMGD=1");
        feed(f, "\r\nOK\r\n");
        expect_nothing(f);
}

/* The SMS service answers "+CMS ERROR: 500" at start (Quectel before
 * "+QIND: SMS DONE"), or a reply is lost: the failed sweep is run again on
 * the next tick, the stored message is not left on the modem. */
static void test_messaging_failed_sweep_is_retried(void **state) {
        Fx *f = *state;

        assert_int_equal(messaging_start(f->m), 0);
        expect(f, "AT+CMGF=0");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CSMS?");
        feed(f, "\r\nERROR\r\n");
        expect(f, "AT+CNMI=2,1,0,1,0");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CPMS=\"SM\"");
        feed(f, "\r\n+CMS ERROR: 500\r\n");
        expect(f, "AT+CPMS=\"ME\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGL=4");
        feed(f, "\r\n+CMS ERROR: 500\r\n");
        expect_nothing(f);
        assert_int_equal(f->n_added, 0);

        assert_int_equal(messaging_retry_sweep(f->m), 1);
        expect(f, "AT+CPMS=\"SM\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGL=4");
        feed(f, "\r\n+CMGL: 3,0,,33\r\n" PDU_C10 "\r\n\r\nOK\r\n");
        expect(f, "AT+CMGD=3");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CPMS=\"ME\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGL=4");
        feed(f, "\r\nOK\r\n");
        expect_nothing(f);
        assert_int_equal(f->n_added, 1);
        assert_text(f, f->added[0], "+15555550123", TEXT_C10);
        /* Nothing failed since: no sweep. */
        assert_int_equal(messaging_retry_sweep(f->m), 0);
        expect_nothing(f);
}

/* Another process takes the database's write lock: the store's writes
 * fail after its busy timeout (as on a full disk). */
static sqlite3 *store_lock(Fx *f) {
        char path[128];
        sqlite3 *db = NULL;

        snprintf(path, sizeof(path), "%s/" STORE_DB_NAME, f->dir);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
        return db;
}

static void store_unlock(sqlite3 *db) {
        assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
}

/* The store cannot commit a part read with AT+CMGR (another process
 * holds the database's write lock here; a full disk in the field): the
 * part stays on the modem and the next tick sweeps again, so it is stored
 * without waiting for a restart or another indication. */
static void test_messaging_store_failure_on_read_sweeps_again(void **state) {
        Fx *f = *state;
        sqlite3 *db = NULL;

        start_empty(f);
        db = store_lock(f);

        feed(f, "\r\n+CMTI: \"SM\",4\r\n");
        expect(f, "AT+CPMS=\"SM\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGR=4");
        feed(f, "\r\n+CMGR: 0,,33\r\n" PDU_C10 "\r\n\r\nOK\r\n"); /* waits out the busy timeout */
        expect_nothing(f); /* no AT+CMGD: not stored */
        assert_int_equal(f->n_added, 0);

        store_unlock(db);
        assert_int_equal(messaging_retry_sweep(f->m), 1);
        expect(f, "AT+CMGL=4"); /* SM is still selected */
        feed(f, "\r\n+CMGL: 4,0,,33\r\n" PDU_C10 "\r\n\r\nOK\r\n");
        expect(f, "AT+CMGD=4");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CPMS=\"ME\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGL=4");
        feed(f, "\r\nOK\r\n");
        expect_nothing(f);
        assert_int_equal(f->n_added, 1);
        assert_text(f, f->added[0], "+15555550123", TEXT_C10);
        assert_int_equal(messaging_retry_sweep(f->m), 0);
}

/* The modem confirms AT+CMGD while the store cannot be written: the slot's
 * fingerprint is forgotten before the next part is checked, so the same
 * PDU arriving in that slot is still a new message. */
static void test_messaging_slot_freed_while_store_fails_is_retried(void **state) {
        Fx *f = *state;
        sqlite3 *db;

        start_empty(f);
        indicate_and_read_c10(f); /* ME 1 */
        assert_int_equal(f->n_added, 1);
        expect(f, "AT+CMGD=1");
        db = store_lock(f);
        feed(f, "\r\nOK\r\n"); /* the store refuses to forget (busy timeout) */
        store_unlock(db);
        indicate_and_read_c10(f); /* ME 1 */
        assert_int_equal(f->n_added, 2);
        expect(f, "AT+CMGD=1");
        feed(f, "\r\nOK\r\n");
        expect_nothing(f);
}

/* The store refuses writes while a message is being sent (disk full; here
 * another process holds the write lock): the part the modem took is
 * recorded on the next tick, and the message queued behind it waits for
 * the store instead of being dropped, then goes out. */
static void test_messaging_store_failure_while_sending_resumes(void **state) {
        Fx *f = *state;
        MessagingSendOptions o = MESSAGING_SEND_OPTIONS_INIT;
        const char *reason = NULL;
        int64_t a = 0, b = 0;
        StoreSms *s = NULL;
        sqlite3 *db = NULL;

        start_empty(f);
        assert_int_equal(messaging_send(f->m, "+15555550150", "hello", &o, &a, &reason), 0);
        expect(f, "AT+CMGS=18");
        feed(f, "\r\n> ");
        expect_raw(f, "0001000B915155550551F0000005E8329BFD06\x1a");
        assert_int_equal(messaging_send(f->m, "+15555550150", "hello", &o, &b, &reason), 0);

        db = store_lock(f);
        feed(f, "\r\n+CMGS: 7\r\n\r\nOK\r\n"); /* two busy timeouts: the record, then "sending" */
        expect_nothing(f); /* b is not sent while the store cannot follow */
        assert_int_equal(messaging_pending_jobs(f->m), 1);
        store_unlock(db);

        messaging_tick(f->m);
        assert_int_equal(store_sms_get(f->store, a, &s), 0);
        assert_int_equal(s->state, STORE_SMS_SENT);
        store_sms_free(s);
        expect(f, "AT+CMGS=18");
        feed(f, "\r\n> ");
        expect_raw(f, "0001000B915155550551F0000005E8329BFD06\x1a");
        feed(f, "\r\n+CMGS: 8\r\n\r\nOK\r\n");
        expect_nothing(f);
        assert_int_equal(store_sms_get(f->store, b, &s), 0);
        assert_int_equal(s->state, STORE_SMS_SENT);
        store_sms_free(s);
        assert_int_equal(messaging_pending_jobs(f->m), 0);
}

static void test_messaging_cmti_burst_queued_and_memory_switched(void **state) {
        Fx *f = *state;

        start_empty(f);
        /* Three indications back to back, the last one on ME (C19): read
         * memory is ME after the sweep, so SM must be selected first. */
        feed(f, "\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n\r\n+CMTI: \"ME\",7\r\n\r\n+CMTI: \"SM\",2\r\n");
        expect(f, "AT+CPMS=\"SM\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGR=1");
        feed(f, "\r\n+CMGR: 0,,33\r\n" PDU_C10 "\r\n\r\nOK\r\n");
        expect(f, "AT+CMGD=1");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGR=2");
        feed(f, "\r\nOK\r\n"); /* empty slot: nothing to do */
        expect(f, "AT+CPMS=\"ME\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGR=7");
        feed(f, "\r\n+CMS ERROR: 321\r\n");
        expect_nothing(f);
        assert_int_equal(f->n_added, 1);
        assert_int_equal(messaging_pending_jobs(f->m), 0);
}

static void test_messaging_send_prompt_pdu_mr_and_report(void **state) {
        Fx *f = *state;
        MessagingSendOptions o = MESSAGING_SEND_OPTIONS_INIT;
        StoreSms *s = NULL;
        const char *reason = NULL;
        int64_t id = 0;

        start_empty(f);
        o.delivery_report = true;
        assert_int_equal(messaging_send(f->m, "+15555550150", "hello", &o, &id, &reason), 0);
        assert_true(id > 0);
        /* SUBMIT with TP-SRR (0x21), 11-digit international destination. */
        expect(f, "AT+CMGS=18");
        feed(f, "\r\n> ");
        expect_raw(f, "0021000B915155550551F0000005E8329BFD06\x1a");
        feed(f, "\r\n+CMGS: 64\r\n\r\nOK\r\n");
        expect_nothing(f);
        assert_int_equal(store_sms_get(f->store, id, &s), 0);
        assert_int_equal(s->state, STORE_SMS_SENT);
        store_sms_free(s);

        feed(f, "\r\n+CDS: 25\r\n" PDU_C14_MR64 "\r\n");
        assert_int_equal(store_sms_get(f->store, id, &s), 0);
        assert_int_equal(s->state, STORE_SMS_DELIVERED);
        assert_int_equal(s->delivery_status, STORE_DELIVERY_DELIVERED);
        store_sms_free(s);
        assert_true(f->n_changed >= 3); /* sending, sent, delivered */
}

static void test_messaging_send_cms_error_is_failed_with_reason(void **state) {
        Fx *f = *state;
        StoreSms *s = NULL;
        int64_t id = 0;

        start_empty(f);
        assert_int_equal(messaging_send(f->m, "+15555550123", "hi", NULL, &id, NULL), 0);
        expect(f, "AT+CMGS=15");
        feed(f, "\r\n> ");
        f->rpos = f->wlen;
        feed(f, "\r\n+CMS ERROR: 331\r\n");
        assert_int_equal(store_sms_get(f->store, id, &s), 0);
        assert_int_equal(s->state, STORE_SMS_FAILED);
        assert_string_equal(s->state_reason, "no-network-service");
        store_sms_free(s);
}

static void test_messaging_send_refused_touches_nothing(void **state) {
        Fx *f = *state;
        const char *reason = NULL;
        int64_t id = 0;
        StoreSms *list = NULL;
        size_t n = 0;

        start_empty(f);
        assert_int_equal(messaging_send(f->m, "12", "hi", NULL, &id, &reason), -EINVAL);
        assert_int_equal(messaging_send(f->m, "+15555550123", "", NULL, &id, &reason), -EINVAL);
        assert_int_equal(messaging_send(f->m, "+15555550123", "\xc3(", NULL, &id, &reason), -EINVAL);
        expect_nothing(f);
        assert_int_equal(store_sms_list(f->store, NULL, &list, &n), 0);
        assert_int_equal(n, 0);
        store_sms_array_free(list, n);
}

static void test_messaging_report_unknown_reference_is_orphan(void **state) {
        Fx *f = *state;

        start_empty(f);
        feed(f, "\r\n+CDS: 25\r\n" PDU_C14_MR64 "\r\n");
        assert_int_equal(f->n_changed, 0);
        expect_nothing(f);
}

static void test_messaging_free_fails_queued_sends(void **state) {
        Fx *f = *state;
        StoreSms *s = NULL;
        int64_t id = 0, id2 = 0;

        start_empty(f);
        assert_int_equal(messaging_send(f->m, "+15555550123", "one", NULL, &id, NULL), 0);
        assert_int_equal(messaging_send(f->m, "+15555550123", "two", NULL, &id2, NULL), 0);
        f->m = messaging_free(f->m);
        assert_int_equal(store_sms_get(f->store, id2, &s), 0);
        assert_int_equal(s->state, STORE_SMS_FAILED);
        assert_string_equal(s->state_reason, "modem-gone");
        store_sms_free(s);
}

static void test_messaging_text_mode_plain_ascii_only(void **state) {
        Fx *f = *state;
        MessagingConfig cfg = {
                .modem_key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                .text_mode = true,
                .storages = "SM",
        };
        MessagingCallbacks cb = { .added = on_added, .changed = on_changed, .userdata = f };
        const char *reason = NULL;
        StoreSms *s = NULL;
        int64_t id = 0;

        messaging_free(f->m);
        assert_int_equal(messaging_new(f->chat, NULL, f->store, &f->clock.clock, &cfg, &cb, &f->m), 0);
        assert_int_equal(messaging_start(f->m), 0);
        expect(f, "AT+CMGF=1");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CSMS?");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CNMI=2,1,0,1,0");
        feed(f, "\r\nOK\r\n");
        /* No sweep and no +CMTI handling in text mode: nothing is read
         * (or deleted) that could not be stored faithfully. */
        expect_nothing(f);
        feed(f, "\r\n+CMTI: \"SM\",3\r\n");
        expect_nothing(f);
        /* Never mangled: what GSM 7-bit and IRA disagree on is refused. */
        assert_int_equal(messaging_send(f->m, "+15555550123", "price 5 \xe2\x82\xac", NULL, &id, &reason),
                         -EOPNOTSUPP);
        assert_int_equal(messaging_send(f->m, "+15555550123", "mail me@home", NULL, &id, &reason), -EOPNOTSUPP);
        expect_nothing(f);
        assert_int_equal(messaging_send(f->m, "+15555550123", "Gate code 4711.", NULL, &id, &reason), 0);
        expect(f, "AT+CMGS=\"+15555550123\"");
        feed(f, "\r\n> ");
        expect_raw(f, "Gate code 4711.\x1a");
        feed(f, "\r\n+CMGS: 9\r\n\r\nOK\r\n");
        assert_int_equal(store_sms_get(f->store, id, &s), 0);
        assert_int_equal(s->state, STORE_SMS_SENT);
        store_sms_free(s);
}

static void test_messaging_concat_reference_per_destination(void **state) {
        Fx *f = *state;
        uint16_t a1, a2, b1;

        assert_int_equal(store_next_concat_ref(f->store, "k", "+15555550123", 8, &a1), 0);
        assert_int_equal(store_next_concat_ref(f->store, "k", "+15555550123", 8, &a2), 0);
        assert_int_equal(store_next_concat_ref(f->store, "k", "+15555550177", 8, &b1), 0);
        assert_int_equal(a2, (a1 + 1) % 256);
        /* Survives a reopen (a restart must not reuse the last one). */
        store_close(f->store);
        assert_int_equal(store_open(f->dir, &f->store), 0);
        assert_int_equal(store_next_concat_ref(f->store, "k", "+15555550123", 8, &a1), 0);
        assert_int_equal(a1, (a2 + 1) % 256);
        assert_int_equal(store_next_concat_ref(f->store, "k", "+15555550123", 9, &a1), -EINVAL);
        (void)b1;
}

static void test_messaging_undecodable_part_kept_raw_then_freed(void **state) {
        Fx *f = *state;
        StoreSms *s = NULL;

        start_empty(f);
        /* A truncated SMS-DELIVER: the SMSC, then the TPDU stops short. */
        feed(f, "\r\n+CMTI: \"SM\",4\r\n");
        expect(f, "AT+CPMS=\"SM\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGR=4");
        feed(f, "\r\n+CMGR: 0,,5\r\n07915155550501F0040B91\r\n\r\nOK\r\n");
        assert_int_equal(f->n_added, 1);
        expect(f, "AT+CMGD=4");
        feed(f, "\r\nOK\r\n");
        assert_int_equal(store_sms_get(f->store, f->added[0], &s), 0);
        assert_int_equal(s->n_parts, 1);
        assert_true(s->parts[0].decode_failed);
        assert_string_equal(s->parts[0].pdu_hex, "07915155550501F0040B91");
        store_sms_free(s);
}

/* A PDU line that starts like hex but is not (3,000 bytes): stored whole,
 * hex-encoded, before its slot is freed (it used to be cut to 512 bytes). */
static void test_messaging_non_hex_pdu_line_kept_whole(void **state) {
        Fx *f = *state;
        StoreSms *s = NULL;
        char line[3001], want[6001], pdu[3100];
        size_t n = 0;

        start_empty(f);
        line[0] = '0';
        memset(line + 1, 'G', sizeof(line) - 2);
        line[sizeof(line) - 1] = '\0';
        for (size_t i = 0; line[i]; i++)
                n += (size_t)sprintf(want + n, "%02X", (unsigned char)line[i]);
        snprintf(pdu, sizeof(pdu), "\r\n+CMGR: 0,,5\r\n%s\r\n\r\nOK\r\n", line);
        feed(f, "\r\n+CMTI: \"SM\",5\r\n");
        expect(f, "AT+CPMS=\"SM\"");
        feed(f, "\r\nOK\r\n");
        expect(f, "AT+CMGR=5");
        feed(f, pdu);
        assert_int_equal(f->n_added, 1);
        expect(f, "AT+CMGD=5");
        feed(f, "\r\nOK\r\n");
        assert_int_equal(store_sms_get(f->store, f->added[0], &s), 0);
        assert_true(s->parts[0].decode_failed);
        assert_int_equal(strlen(s->parts[0].pdu_hex), 6000);
        assert_string_equal(s->parts[0].pdu_hex, want);
        store_sms_free(s);
}

static void test_messaging_cms_error_reason_table(void **state) {
        assert_string_equal(messaging_cms_error_to_reason(331), "no-network-service");
        assert_string_equal(messaging_cms_error_to_reason(322), "memory-full");
        assert_string_equal(messaging_cms_error_to_reason(9999), "rejected");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_messaging_start_sweep_stores_then_deletes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_failed_sweep_is_retried, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_store_failure_on_read_sweeps_again, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_store_failure_while_sending_resumes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_slot_freed_while_store_fails_is_retried, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_cmti_burst_queued_and_memory_switched, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_send_prompt_pdu_mr_and_report, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_send_cms_error_is_failed_with_reason, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_send_refused_touches_nothing, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_report_unknown_reference_is_orphan, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_free_fails_queued_sends, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_text_mode_plain_ascii_only, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_concat_reference_per_destination, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_undecodable_part_kept_raw_then_freed, setup, teardown),
                cmocka_unit_test_setup_teardown(test_messaging_non_hex_pdu_line_kept_whole, setup, teardown),
                cmocka_unit_test(test_messaging_cms_error_reason_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
