/* Outgoing messages in the store: queued before any AT command, per-part
 * TP-MR, sent when every part is, status reports (3GPP TS 23.040
 * 9.2.3.15 TP-ST) matched by TP-MR + recipient within a window and
 * aggregated (delivered only when every part is, failed as soon as one part
 * fails), interrupted sends failed at start, deletion. */
#include "store-test.h"

#include <sqlite3.h>

#include "store/store-internal.h"

#include "util/strutil.h"

#define T0 UINT64_C(1716896960000000)
#define MINUTE (60 * USEC_PER_SEC)

typedef struct Fixture {
        char *dir;
        Store *s;
        FakeClock clock;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof *f);
        assert_non_null(f);
        f->dir = test_tmpdir();
        assert_int_equal(store_open(f->dir, &f->s), 0);
        fake_clock_init(&f->clock, 1, T0);
        store_set_clock(f->s, &f->clock.clock);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        store_close(f->s);
        test_rmdir(f->dir);
        free(f);
        return 0;
}

static int64_t queue(Fixture *f, const char *number, unsigned parts, bool report) {
        static const char *const pdus[3] = {"0041000B915155550521F30000", "0041010B915155550521F30000",
                                            "0041020B915155550521F30000"};
        StoreOutgoing o = {
                .modem_key = MODEM_A,
                .number = number,
                .text = "Price 5\xE2\x82\xAC [promo] {code} ~x^y a\\b a|b",
                .encoding = REASSEMBLY_ENCODING_GSM7,
                .parts_total = parts,
                .reference = parts > 1 ? 0x1234 : 0,
                .ref_bits = parts > 1 ? 16 : 0,
                .msg_class = -1,
                .validity_minutes = 1440,
                .delivery_report = report,
                .pdus = parts <= 3 ? pdus : NULL,
        };
        int64_t id = 0;
        assert_int_equal(store_sms_insert_outgoing(f->s, &o, &id), 0);
        assert_true(id > 0);
        return id;
}

static StoreSmsState state_of(Store *s, int64_t id) {
        StoreSms *m = NULL;
        StoreSmsState st;
        assert_int_equal(store_sms_get(s, id, &m), 0);
        st = m->state;
        store_sms_free(m);
        return st;
}

static void test_store_sms_insert_outgoing_queued(void **state) {
        Fixture *f = *state;
        int64_t id = queue(f, "+15555550123", 2, true);
        StoreSms *m = NULL;

        assert_int_equal(store_sms_get(f->s, id, &m), 0);
        assert_int_equal(m->direction, STORE_DIRECTION_OUTGOING);
        assert_int_equal(m->state, STORE_SMS_QUEUED);
        assert_null(m->state_reason);
        assert_string_equal(m->number, "+15555550123");
        assert_string_equal(m->text, "Price 5\xE2\x82\xAC [promo] {code} ~x^y a\\b a|b");
        assert_int_equal(m->parts_total, 2);
        assert_int_equal(m->parts_received, 0);
        assert_int_equal(m->reference, 0x1234);
        assert_int_equal(m->ref_bits, 16);
        assert_true(m->delivery_report);
        assert_int_equal(m->validity_minutes, 1440);
        assert_int_equal(m->delivery_status, STORE_DELIVERY_NONE);
        assert_int_equal(m->timestamp, T0);
        assert_int_equal(m->n_parts, 2);
        assert_int_equal(m->parts[0].mr, -1);
        assert_string_equal(m->parts[0].status, "queued");
        assert_string_equal(m->parts[1].pdu_hex, "0041010B915155550521F30000");
        store_sms_free(m);
}

static void test_store_sms_insert_outgoing_invalid(void **state) {
        Fixture *f = *state;
        int64_t id = 77;
        StoreOutgoing o = {.modem_key = MODEM_A, .number = "+15555550123", .text = "hi",
                           .encoding = REASSEMBLY_ENCODING_GSM7, .parts_total = 0, .msg_class = -1};

        assert_int_equal(store_sms_insert_outgoing(f->s, &o, &id), -EINVAL);
        o.parts_total = 1;
        o.text = "\xFF\xFE";
        assert_int_equal(store_sms_insert_outgoing(f->s, &o, &id), -EINVAL);
        o.text = "hi";
        o.number = "";
        assert_int_equal(store_sms_insert_outgoing(f->s, &o, &id), -EINVAL);
        o.number = "+15555550123";
        o.msg_class = 4;
        assert_int_equal(store_sms_insert_outgoing(f->s, &o, &id), -EINVAL);
        assert_int_equal(id, 77);
}

static void test_store_sms_insert_outgoing_many(void **state) {
        Fixture *f = *state;
        StoreOutgoing o[3];
        int64_t ids[3] = {}, keep[3] = {7, 8, 9};

        for (int i = 0; i < 3; i++)
                o[i] = (StoreOutgoing){.modem_key = MODEM_A, .number = "+15555550123", .text = "burst",
                                       .encoding = REASSEMBLY_ENCODING_GSM7, .parts_total = 1, .msg_class = -1};
        assert_int_equal(store_sms_insert_outgoing_many(f->s, o, 3, ids), 0);
        assert_true(ids[0] > 0 && ids[1] > ids[0] && ids[2] > ids[1]);
        for (int i = 0; i < 3; i++)
                assert_int_equal(state_of(f->s, ids[i]), STORE_SMS_QUEUED);

        /* All or nothing. */
        o[1].parts_total = 0;
        assert_int_equal(store_sms_insert_outgoing_many(f->s, o, 3, keep), -EINVAL);
        assert_int_equal(keep[0], 7);
        StoreSms *l = NULL;
        size_t n = 0;
        assert_int_equal(store_sms_list(f->s, NULL, &l, &n), 0);
        assert_int_equal(n, 3);
        store_sms_array_free(l, n);
}

static void test_store_sms_lifecycle_single_delivered(void **state) {
        Fixture *f = *state;
        int64_t id = queue(f, "+15555550123", 1, true), found = 0;
        unsigned seq = 0;
        StoreSmsState st = _STORE_SMS_STATE_INVALID;
        StoreSms *m = NULL;

        assert_int_equal(store_sms_set_state(f->s, id, STORE_SMS_SENDING, NULL), 0);
        assert_int_equal(state_of(f->s, id), STORE_SMS_SENDING);
        fake_clock_advance(&f->clock, USEC_PER_SEC);
        assert_int_equal(store_sms_part_sent(f->s, id, 1, 64), 1);
        assert_int_equal(state_of(f->s, id), STORE_SMS_SENT);

        /* C14: +CDS with TP-MR 64 for the recipient, in national form. */
        fake_clock_advance(&f->clock, MINUTE);
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_A, 64, "5555550123", 10 * MINUTE, &found, &seq), 0);
        assert_int_equal(found, id);
        assert_int_equal(seq, 1);
        assert_int_equal(store_sms_delivery(f->s, id, 1, 0x00, T0 + 30 * USEC_PER_SEC, &st), 0);
        assert_int_equal(st, STORE_SMS_DELIVERED);

        assert_int_equal(store_sms_get(f->s, id, &m), 0);
        assert_int_equal(m->state, STORE_SMS_DELIVERED);
        assert_int_equal(m->delivery_status, STORE_DELIVERY_DELIVERED);
        assert_int_equal(m->reference, 64); /* a single part's TP-MR */
        assert_int_equal(m->parts_received, 1);
        assert_int_equal(m->discharge_time, T0 + 30 * USEC_PER_SEC);
        assert_int_equal(m->parts[0].mr, 64);
        assert_int_equal(m->parts[0].tp_st, 0);
        store_sms_free(m);
}

static void test_store_sms_find_by_mr_window_and_recipient(void **state) {
        Fixture *f = *state;
        int64_t a = queue(f, "+15555550123", 1, true), b, found = 0;

        assert_int_equal(store_sms_part_sent(f->s, a, 1, 9), 1);
        fake_clock_advance(&f->clock, 5 * MINUTE);
        b = queue(f, "+15555550199", 1, true);
        assert_int_equal(store_sms_part_sent(f->s, b, 1, 9), 1);

        /* Same TP-MR, told apart by recipient. */
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_A, 9, "+15555550123", 60 * MINUTE, &found, NULL), 0);
        assert_int_equal(found, a);
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_A, 9, "+15555550199", 60 * MINUTE, &found, NULL), 0);
        assert_int_equal(found, b);
        /* No recipient in the report: the most recent. */
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_A, 9, NULL, 60 * MINUTE, &found, NULL), 0);
        assert_int_equal(found, b);
        /* Outside the window, unknown MR, other modem, other number. */
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_A, 9, "+15555550123", 2 * MINUTE, &found, NULL), -ENOENT);
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_A, 10, NULL, 60 * MINUTE, &found, NULL), -ENOENT);
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_B, 9, NULL, 60 * MINUTE, &found, NULL), -ENOENT);
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_A, 9, "+15555550777", 60 * MINUTE, &found, NULL), -ENOENT);
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_A, 9, "0123", 60 * MINUTE, &found, NULL), -ENOENT);
}

static void test_store_sms_delivery_pending_then_delivered(void **state) {
        Fixture *f = *state;
        int64_t id = queue(f, "+15555550123", 1, true);
        StoreSmsState st;
        StoreSms *m = NULL;

        assert_int_equal(store_sms_part_sent(f->s, id, 1, 1), 1);
        assert_int_equal(store_sms_delivery(f->s, id, 1, 0x20, 0, &st), 0); /* congestion, SC retrying */
        assert_int_equal(st, STORE_SMS_SENT);
        assert_int_equal(store_sms_get(f->s, id, &m), 0);
        assert_int_equal(m->delivery_status, STORE_DELIVERY_PENDING);
        store_sms_free(m);
        assert_int_equal(store_sms_delivery(f->s, id, 1, 0x00, 0, &st), 0);
        assert_int_equal(st, STORE_SMS_DELIVERED);
        /* A late "still trying" never undoes a final answer. */
        assert_int_equal(store_sms_delivery(f->s, id, 1, 0x21, 0, &st), 0);
        assert_int_equal(st, STORE_SMS_DELIVERED);
}

static void test_store_sms_delivery_failed(void **state) {
        Fixture *f = *state;
        int64_t id = queue(f, "+15555550123", 1, true);
        StoreSmsState st;
        StoreSms *m = NULL;

        assert_int_equal(store_sms_part_sent(f->s, id, 1, 2), 1);
        assert_int_equal(store_sms_delivery(f->s, id, 1, 0x41, 0, &st), 0); /* incompatible destination */
        assert_int_equal(st, STORE_SMS_FAILED);
        assert_int_equal(store_sms_get(f->s, id, &m), 0);
        assert_string_equal(m->state_reason, "delivery-failed");
        assert_int_equal(m->delivery_status, STORE_DELIVERY_FAILED);
        store_sms_free(m);
}

static void test_store_sms_multipart_aggregate(void **state) {
        Fixture *f = *state;
        int64_t id = queue(f, "+15555550123", 3, true), other;
        StoreSmsState st;

        assert_int_equal(store_sms_set_state(f->s, id, STORE_SMS_SENDING, NULL), 0);
        assert_int_equal(store_sms_part_sent(f->s, id, 1, 10), 0);
        assert_int_equal(state_of(f->s, id), STORE_SMS_SENDING);
        assert_int_equal(store_sms_part_sent(f->s, id, 2, 11), 0);
        assert_int_equal(store_sms_part_sent(f->s, id, 3, 12), 1);
        assert_int_equal(state_of(f->s, id), STORE_SMS_SENT);

        assert_int_equal(store_sms_delivery(f->s, id, 3, 0x00, 0, &st), 0);
        assert_int_equal(st, STORE_SMS_SENT);
        assert_int_equal(store_sms_delivery(f->s, id, 1, 0x00, 0, &st), 0);
        assert_int_equal(st, STORE_SMS_SENT); /* not until every part */
        assert_int_equal(store_sms_delivery(f->s, id, 2, 0x00, 0, &st), 0);
        assert_int_equal(st, STORE_SMS_DELIVERED);

        /* Failed as soon as one part fails permanently. */
        other = queue(f, "+15555550123", 3, true);
        for (unsigned i = 1; i <= 3; i++)
                assert_true(store_sms_part_sent(f->s, other, i, (uint8_t)(20 + i)) >= 0);
        assert_int_equal(store_sms_delivery(f->s, other, 2, 0x45, 0, &st), 0);
        assert_int_equal(st, STORE_SMS_FAILED);
        assert_int_equal(store_sms_delivery(f->s, other, 1, 0x00, 0, &st), 0);
        assert_int_equal(store_sms_delivery(f->s, other, 3, 0x00, 0, &st), 0);
        assert_int_equal(st, STORE_SMS_FAILED);
}

static void test_store_sms_part_sent_unknown(void **state) {
        Fixture *f = *state;
        int64_t id = queue(f, "+15555550123", 1, false);

        assert_int_equal(store_sms_part_sent(f->s, id, 2, 1), -ENOENT);
        assert_int_equal(store_sms_part_sent(f->s, id + 100, 1, 1), -ENOENT);
        assert_int_equal(store_sms_part_sent(f->s, id, 0, 1), -EINVAL);
        assert_int_equal(store_sms_delivery(f->s, id + 100, 1, 0, 0, NULL), -ENOENT);
        assert_int_equal(store_sms_set_state(f->s, id + 100, STORE_SMS_FAILED, "x"), -ENOENT);
        assert_int_equal(store_sms_set_state(f->s, id, _STORE_SMS_STATE_MAX, NULL), -EINVAL);
}

static void test_store_report_orphan_kept(void **state) {
        Fixture *f = *state;
        assert_int_equal(store_report_orphan(f->s, MODEM_A, 200, "+15555550123", 0x00,
                                             "07915155550501F006C80B915155550521F3"),
                         0);
        assert_int_equal(store_report_orphan(f->s, MODEM_A, 201, NULL, 0x40, NULL), 0);
}

static int count_orphans(Fixture *f) {
        char *path = test_db_path(f->dir);
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        int n;

        assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM orphan_reports", -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        free(path);
        return n;
}

static void test_store_status_report_matched_and_orphan(void **state) {
        Fixture *f = *state;
        int64_t id = queue(f, "+15555550123", 2, true), got = -1;
        StoreSmsState st = _STORE_SMS_STATE_INVALID;
        static const char cds[] = "07915155550501F006400B915155550551F0421090718384224210907183252200";

        assert_int_equal(store_sms_part_sent(f->s, id, 1, 64), 0);
        assert_int_equal(store_sms_part_sent(f->s, id, 2, 65), 1);
        assert_int_equal(store_status_report(f->s, MODEM_A, 65, "+15555550123", 0x00, T0, cds, 10 * MINUTE,
                                             &got, &st),
                         0);
        assert_int_equal(got, id);
        assert_int_equal(st, STORE_SMS_SENT); /* part 1 not reported yet */
        assert_int_equal(store_status_report(f->s, MODEM_A, 64, "5555550123", 0x00, T0, NULL, 10 * MINUTE, &got,
                                             &st),
                         0);
        assert_int_equal(st, STORE_SMS_DELIVERED);
        /* The same report re-read after a crash changes nothing. */
        assert_int_equal(store_status_report(f->s, MODEM_A, 64, "5555550123", 0x00, T0, NULL, 10 * MINUTE, &got,
                                             &st),
                         0);
        assert_int_equal(st, STORE_SMS_DELIVERED);
        assert_int_equal(count_orphans(f), 0);

        /* Unknown reference: stored, not matched, kept once. */
        got = -1;
        assert_int_equal(store_status_report(f->s, MODEM_A, 99, "+15555550123", 0x00, 0, cds, 10 * MINUTE, &got,
                                             &st),
                         0);
        assert_int_equal(got, 0);
        assert_int_equal(store_status_report(f->s, MODEM_A, 99, "+15555550123", 0x00, 0, cds, 10 * MINUTE, &got,
                                             NULL),
                         0);
        assert_int_equal(count_orphans(f), 1);
        assert_int_equal(store_status_report(f->s, "", 99, NULL, 0, 0, NULL, 0, &got, NULL), -EINVAL);
}

static int connection_synchronous(Store *s) {
        sqlite3_stmt *st = NULL;
        int v;
        assert_int_equal(sqlite3_prepare_v2(s->db, "PRAGMA synchronous", -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        return v;
}

/* State steps run at synchronous=NORMAL; everything else, and received
 * parts in particular, is back at FULL afterwards, failures included. */
static void test_store_relaxed_steps_restore_full_sync(void **state) {
        Fixture *f = *state;
        int64_t id = queue(f, "+15555550123", 1, true);
        TestPart t;

        assert_int_equal(connection_synchronous(f->s), 2);
        assert_int_equal(store_sms_set_state(f->s, id, STORE_SMS_SENDING, NULL), 0);
        assert_int_equal(connection_synchronous(f->s), 2);
        assert_int_equal(store_sms_part_sent(f->s, id, 1, 7), 1);
        assert_int_equal(store_sms_part_sent(f->s, id + 1, 1, 7), -ENOENT); /* failure path */
        assert_int_equal(store_sms_delivery(f->s, id, 1, 0, 0, NULL), 0);
        assert_int_equal(store_status_report(f->s, MODEM_A, 1, NULL, 0, 0, NULL, MINUTE, NULL, NULL), 0);
        assert_int_equal(store_modem_seen(f->s, MODEM_A), 0);
        assert_int_equal(connection_synchronous(f->s), 2);
        assert_false(f->s->relaxed);

        test_part(&t, MODEM_A, "+15555550123", 0, 0, 1, 1, "durable");
        assert_int_equal(test_receive(f->s, &t.p).result, STORE_PART_NEW_MESSAGE);
}

static void test_store_interrupted_sends_fail_on_restart(void **state) {
        Fixture *f = *state;
        int64_t queued = queue(f, "+15555550123", 1, false);
        int64_t sending = queue(f, "+15555550123", 2, false);
        int64_t sent = queue(f, "+15555550123", 1, false);
        unsigned n = 99;
        StoreSms *m = NULL;

        assert_int_equal(store_sms_set_state(f->s, sending, STORE_SMS_SENDING, NULL), 0);
        assert_int_equal(store_sms_part_sent(f->s, sending, 1, 5), 0);
        assert_int_equal(store_sms_part_sent(f->s, sent, 1, 6), 1);

        /* "Crash" and restart. */
        store_close(f->s);
        assert_int_equal(store_open(f->dir, &f->s), 0);
        store_set_clock(f->s, &f->clock.clock);
        assert_int_equal(store_interrupted_sends_fail(f->s, &n), 0);
        assert_int_equal(n, 2);

        assert_int_equal(store_sms_get(f->s, queued, &m), 0);
        assert_int_equal(m->state, STORE_SMS_FAILED);
        assert_string_equal(m->state_reason, "interrupted");
        store_sms_free(m);
        assert_int_equal(state_of(f->s, sending), STORE_SMS_FAILED);
        assert_int_equal(state_of(f->s, sent), STORE_SMS_SENT);
        assert_int_equal(store_interrupted_sends_fail(f->s, &n), 0);
        assert_int_equal(n, 0);
}

static void test_store_sms_delete_outgoing(void **state) {
        Fixture *f = *state;
        int64_t id = queue(f, "+15555550123", 2, false), found;
        StoreSms *l = NULL;
        size_t n = 0;

        assert_int_equal(store_sms_part_sent(f->s, id, 1, 33), 0);
        assert_int_equal(store_sms_delete(f->s, id), 0);
        assert_int_equal(store_sms_list(f->s, NULL, &l, &n), 0);
        assert_int_equal(n, 0);
        store_sms_array_free(l, n);
        /* Its parts went with it. */
        assert_int_equal(store_sms_find_by_mr(f->s, MODEM_A, 33, NULL, 60 * MINUTE, &found, NULL), -ENOENT);
        assert_int_equal(store_sms_delete(f->s, id), -ENOENT);
}

static void test_store_enum_strings(void **state) {
        assert_string_equal(store_sms_state_to_string(STORE_SMS_PARTIAL), "partial");
        assert_int_equal(store_sms_state_from_string("delivered"), STORE_SMS_DELIVERED);
        assert_int_equal(store_sms_state_from_string("bogus"), _STORE_SMS_STATE_INVALID);
        assert_string_equal(store_direction_to_string(STORE_DIRECTION_OUTGOING), "outgoing");
        assert_string_equal(store_part_result_to_string(STORE_PART_CONFLICT), "conflict");
        assert_int_equal(store_delivery_status_from_tp_st(0x1F), STORE_DELIVERY_DELIVERED);
        assert_int_equal(store_delivery_status_from_tp_st(0x20), STORE_DELIVERY_PENDING);
        assert_int_equal(store_delivery_status_from_tp_st(0x3F), STORE_DELIVERY_PENDING);
        assert_int_equal(store_delivery_status_from_tp_st(0x40), STORE_DELIVERY_FAILED);
        assert_int_equal(store_delivery_status_from_tp_st(0x60), STORE_DELIVERY_FAILED);
        assert_null(store_sms_state_to_string(_STORE_SMS_STATE_MAX));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                T(test_store_sms_insert_outgoing_queued),
                T(test_store_sms_insert_outgoing_invalid),
                T(test_store_sms_insert_outgoing_many),
                T(test_store_sms_lifecycle_single_delivered),
                T(test_store_sms_find_by_mr_window_and_recipient),
                T(test_store_sms_delivery_pending_then_delivered),
                T(test_store_sms_delivery_failed),
                T(test_store_sms_multipart_aggregate),
                T(test_store_sms_part_sent_unknown),
                T(test_store_report_orphan_kept),
                T(test_store_status_report_matched_and_orphan),
                T(test_store_relaxed_steps_restore_full_sync),
                T(test_store_interrupted_sends_fail_on_restart),
                T(test_store_sms_delete_outgoing),
                cmocka_unit_test(test_store_enum_strings),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
