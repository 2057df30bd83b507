/* Received parts through the store: single messages, multipart groups in
 * any order (field case C02), duplicates and conflicts, 8/16-bit
 * references, senders sharing a reference, a restart mid-group, expiry to
 * `partial` with a fake clock, the pending-group bound, UCS-2 surrogate
 * split (C04). */
#include "store-test.h"

#include "util/strutil.h"

#define HOUR (3600 * USEC_PER_SEC)
#define T0 UINT64_C(1716896960000000)

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

static void reopen(Fixture *f) {
        store_close(f->s);
        assert_int_equal(store_open(f->dir, &f->s), 0);
        store_set_clock(f->s, &f->clock.clock);
}

static size_t count_listed(Store *s) {
        StoreSms *l = NULL;
        size_t n = 0;
        assert_int_equal(store_sms_list(s, NULL, &l, &n), 0);
        store_sms_array_free(l, n);
        return n;
}

static void test_store_part_received_single(void **state) {
        Fixture *f = *state;
        TestPart t;
        StoreSms *m = NULL;

        test_part(&t, MODEM_A, "+15555550123", 0, 0, 1, 1, "@home: mail user@example.com by 9");
        StorePartOutcome o = test_receive(f->s, &t.p);
        assert_int_equal(o.result, STORE_PART_NEW_MESSAGE);
        assert_true(o.message_id > 0);
        assert_int_equal(o.evicted_id, 0);

        assert_int_equal(store_sms_get(f->s, o.message_id, &m), 0);
        assert_int_equal(m->direction, STORE_DIRECTION_INCOMING);
        assert_int_equal(m->state, STORE_SMS_RECEIVED);
        assert_string_equal(m->number, "+15555550123");
        assert_string_equal(m->text, "@home: mail user@example.com by 9");
        assert_string_equal(m->smsc, "+15555550000");
        assert_int_equal(m->encoding, REASSEMBLY_ENCODING_GSM7);
        assert_int_equal(m->parts_total, 1);
        assert_int_equal(m->parts_received, 1);
        assert_int_equal(m->timestamp, T0 + 1);
        assert_int_equal(m->created, T0);
        assert_int_equal(m->n_parts, 1);
        assert_string_equal(m->parts[0].storage, "SM");
        assert_int_equal(m->parts[0].index, 1);
        assert_string_equal(m->parts[0].pdu_hex, t.pdu);
        store_sms_free(m);
        assert_int_equal(count_listed(f->s), 1);
}

/* Two real messages, same sender, text and second (TP-SCTS has a
 * one-second resolution), in two slots: both kept.  The same slot read
 * again, and a +CMT delivered twice (no slot: a retransmission), are
 * duplicates. */
static void test_store_part_received_same_pdu_two_slots_both_kept(void **state) {
        Fixture *f = *state;
        TestPart a, b;
        StorePartOutcome o1, o2;

        test_part(&a, MODEM_A, "+15555550123", 0, 0, 1, 1, "OK");
        test_part(&b, MODEM_A, "+15555550123", 0, 0, 1, 1, "OK");
        b.p.index = 2;
        o1 = test_receive(f->s, &a.p);
        o2 = test_receive(f->s, &b.p);
        assert_int_equal(o1.result, STORE_PART_NEW_MESSAGE);
        assert_int_equal(o2.result, STORE_PART_NEW_MESSAGE);
        assert_true(o1.message_id != o2.message_id);
        assert_int_equal(test_receive(f->s, &a.p).result, STORE_PART_DUPLICATE);
        assert_int_equal(test_receive(f->s, &b.p).result, STORE_PART_DUPLICATE);
        reopen(f);
        assert_int_equal(test_receive(f->s, &b.p).result, STORE_PART_DUPLICATE); /* after a restart too */
        assert_int_equal(count_listed(f->s), 2);
        /* The modem confirmed slot 2 free: the same PDU there again is new. */
        assert_int_equal(store_slot_freed(f->s, MODEM_A, b.pdu, "SM", 2), 1);
        assert_int_equal(store_slot_freed(f->s, MODEM_A, b.pdu, "SM", 2), 0);
        assert_int_equal(test_receive(f->s, &b.p).result, STORE_PART_NEW_MESSAGE);
        assert_int_equal(count_listed(f->s), 3);
        assert_int_equal(store_slot_freed(f->s, MODEM_A, b.pdu, NULL, 2), -EINVAL);

        test_part(&a, MODEM_A, "+15555550123", 0, 0, 1, 1, "direct");
        a.p.storage = NULL;
        a.p.index = -1;
        assert_int_equal(test_receive(f->s, &a.p).result, STORE_PART_NEW_MESSAGE);
        assert_int_equal(test_receive(f->s, &a.p).result, STORE_PART_DUPLICATE);
        assert_int_equal(count_listed(f->s), 4);
        /* A content fingerprint (no slot) is not forgotten by a slot. */
        assert_int_equal(store_slot_freed(f->s, MODEM_A, a.pdu, "SM", 1), 0);
        assert_int_equal(test_receive(f->s, &a.p).result, STORE_PART_DUPLICATE);
}

/* C02: parts 1,3,2 of ref 116 joined by sequence number. */
static void test_store_part_received_c02_out_of_order(void **state) {
        Fixture *f = *state;
        static const char *const txt[3] = {"Maintenance notice part one: ", "the north gate ", "is closed."};
        TestPart t[3];
        char *text;

        for (int i = 0; i < 3; i++)
                test_part(&t[i], MODEM_A, "+15555550123", 116, 8, 3, (uint8_t)(i + 1), txt[i]);
        StorePartOutcome a = test_receive(f->s, &t[0].p);
        assert_int_equal(a.result, STORE_PART_ADDED);
        assert_int_equal(count_listed(f->s), 0); /* never a partial body on the bus */
        StorePartOutcome b = test_receive(f->s, &t[2].p);
        assert_int_equal(b.result, STORE_PART_ADDED);
        assert_int_equal(b.message_id, a.message_id);
        StorePartOutcome c = test_receive(f->s, &t[1].p);
        assert_int_equal(c.result, STORE_PART_COMPLETED);
        assert_int_equal(c.message_id, a.message_id);

        text = test_text_of(f->s, c.message_id);
        assert_string_equal(text, "Maintenance notice part one: the north gate is closed.");
        free(text);
        assert_int_equal(count_listed(f->s), 1);
}

static void receive_in_order(Fixture *f, const uint8_t *order, uint8_t total, const char *expected) {
        static const char *const words[] = {"", "one ", "two ", "three ", "four ", "five"};
        TestPart t;
        StorePartOutcome o = {};
        char *text;

        for (uint8_t i = 0; i < total; i++) {
                test_part(&t, MODEM_A, "+15555550123", 0xBEEF, 16, total, order[i], words[order[i]]);
                o = test_receive(f->s, &t.p);
                assert_int_equal(o.result, i + 1 < total ? STORE_PART_ADDED : STORE_PART_COMPLETED);
        }
        text = test_text_of(f->s, o.message_id);
        assert_string_equal(text, expected);
        free(text);
}

static void test_store_part_received_reversed(void **state) {
        static const uint8_t order[] = {5, 4, 3, 2, 1};
        receive_in_order(*state, order, 5, "one two three four five");
}

static void test_store_part_received_shuffled(void **state) {
        static const uint8_t order[] = {4, 1, 5, 3, 2};
        receive_in_order(*state, order, 5, "one two three four five");
}

static void test_store_part_received_duplicate(void **state) {
        Fixture *f = *state;
        TestPart a, b, again;
        char *text;

        test_part(&a, MODEM_A, "+15555550123", 9, 8, 2, 1, "Hello ");
        test_part(&b, MODEM_A, "+15555550123", 9, 8, 2, 2, "world");
        StorePartOutcome o1 = test_receive(f->s, &a.p);
        assert_int_equal(o1.result, STORE_PART_ADDED);

        /* Same PDU again (slot re-read). */
        StorePartOutcome d1 = test_receive(f->s, &a.p);
        assert_int_equal(d1.result, STORE_PART_DUPLICATE);
        assert_int_equal(d1.message_id, o1.message_id);

        /* Same content, another PDU (resent with a new SCTS). */
        test_part(&again, MODEM_A, "+15555550123", 9, 8, 2, 1, "Hello ");
        strcat(again.pdu, "00");
        again.p.timestamp += 5 * USEC_PER_SEC;
        StorePartOutcome d2 = test_receive(f->s, &again.p);
        assert_int_equal(d2.result, STORE_PART_DUPLICATE);

        StorePartOutcome c = test_receive(f->s, &b.p);
        assert_int_equal(c.result, STORE_PART_COMPLETED);
        text = test_text_of(f->s, c.message_id);
        assert_string_equal(text, "Hello world");
        free(text);

        /* After completion, both PDUs read again are duplicates: no new group. */
        assert_int_equal(test_receive(f->s, &a.p).result, STORE_PART_DUPLICATE);
        assert_int_equal(test_receive(f->s, &b.p).result, STORE_PART_DUPLICATE);
        assert_int_equal(count_listed(f->s), 1);

        int64_t *ids = NULL;
        size_t n = 99;
        fake_clock_advance(&f->clock, 48 * HOUR);
        assert_int_equal(store_groups_expire(f->s, f->clock.real, 24 * HOUR, &ids, &n), 0);
        assert_int_equal(n, 0); /* no phantom group left behind */
        free(ids);
}

static void test_store_part_received_conflict(void **state) {
        Fixture *f = *state;
        TestPart a, x, b;
        StoreSms *m = NULL;

        test_part(&a, MODEM_A, "+15555550123", 200, 8, 2, 1, "Your code is ");
        test_part(&x, MODEM_A, "+15555550123", 200, 8, 2, 1, "Evil override ");
        test_part(&b, MODEM_A, "+15555550123", 200, 8, 2, 2, "123456");
        assert_int_equal(test_receive(f->s, &a.p).result, STORE_PART_ADDED);
        StorePartOutcome c = test_receive(f->s, &x.p);
        assert_int_equal(c.result, STORE_PART_CONFLICT);
        /* The conflicting PDU read again is not counted twice. */
        assert_int_equal(test_receive(f->s, &x.p).result, STORE_PART_DUPLICATE);
        StorePartOutcome done = test_receive(f->s, &b.p);
        assert_int_equal(done.result, STORE_PART_COMPLETED);
        assert_int_equal(done.message_id, c.message_id);

        assert_int_equal(store_sms_get(f->s, done.message_id, &m), 0);
        assert_string_equal(m->text, "Your code is 123456"); /* first one wins, never overwritten */
        assert_int_equal(m->conflicts, 1);
        assert_int_equal(m->parts_received, 2);
        assert_int_equal(m->n_parts, 3); /* the conflicting part is kept */
        unsigned conflicts = 0;
        for (size_t i = 0; i < m->n_parts; i++)
                if (streq(m->parts[i].status, "conflict")) {
                        conflicts++;
                        assert_int_equal(m->parts[i].seq, 1);
                        assert_string_equal(m->parts[i].pdu_hex, x.pdu);
                }
        assert_int_equal(conflicts, 1);
        store_sms_free(m);
}

static void test_store_part_received_8bit_and_16bit_same_ref(void **state) {
        Fixture *f = *state;
        TestPart p8a, p8b, p16a, p16b;
        char *t8, *t16;

        test_part(&p8a, MODEM_A, "+15555550123", 42, 8, 2, 1, "eight-");
        test_part(&p8b, MODEM_A, "+15555550123", 42, 8, 2, 2, "bit");
        test_part(&p16a, MODEM_A, "+15555550123", 42, 16, 2, 1, "sixteen-");
        test_part(&p16b, MODEM_A, "+15555550123", 42, 16, 2, 2, "bit");

        StorePartOutcome a = test_receive(f->s, &p8a.p);
        StorePartOutcome b = test_receive(f->s, &p16a.p);
        assert_int_equal(b.result, STORE_PART_ADDED);
        assert_int_not_equal(a.message_id, b.message_id);
        StorePartOutcome c = test_receive(f->s, &p16b.p);
        assert_int_equal(c.result, STORE_PART_COMPLETED);
        StorePartOutcome d = test_receive(f->s, &p8b.p);
        assert_int_equal(d.result, STORE_PART_COMPLETED);
        t8 = test_text_of(f->s, d.message_id);
        t16 = test_text_of(f->s, c.message_id);
        assert_string_equal(t8, "eight-bit");
        assert_string_equal(t16, "sixteen-bit");
        free(t8);
        free(t16);
}

static void test_store_part_received_two_senders_same_ref(void **state) {
        Fixture *f = *state;
        TestPart a1, a2, b1, b2;
        char *ta, *tb;

        test_part(&a1, MODEM_A, "+15555550123", 7, 8, 2, 1, "alice ");
        test_part(&a2, MODEM_A, "+15555550123", 7, 8, 2, 2, "here");
        test_part(&b1, MODEM_A, "+15555550199", 7, 8, 2, 1, "bob ");
        test_part(&b2, MODEM_A, "+15555550199", 7, 8, 2, 2, "there");
        assert_int_equal(test_receive(f->s, &a1.p).result, STORE_PART_ADDED);
        assert_int_equal(test_receive(f->s, &b1.p).result, STORE_PART_ADDED);
        StorePartOutcome b = test_receive(f->s, &b2.p);
        StorePartOutcome a = test_receive(f->s, &a2.p);
        assert_int_equal(a.result, STORE_PART_COMPLETED);
        assert_int_equal(b.result, STORE_PART_COMPLETED);
        ta = test_text_of(f->s, a.message_id);
        tb = test_text_of(f->s, b.message_id);
        assert_string_equal(ta, "alice here");
        assert_string_equal(tb, "bob there");
        free(ta);
        free(tb);

        /* The same reference on another modem is another group too. */
        TestPart c1;
        test_part(&c1, MODEM_B, "+15555550123", 7, 8, 2, 1, "alice ");
        assert_int_equal(test_receive(f->s, &c1.p).result, STORE_PART_ADDED);
}

static void test_store_part_received_restart_mid_group(void **state) {
        Fixture *f = *state;
        TestPart t1, t2, t3;
        char *text;

        test_part(&t1, MODEM_A, "+15555550123", 77, 8, 3, 1, "before ");
        test_part(&t3, MODEM_A, "+15555550123", 77, 8, 3, 3, "after");
        test_part(&t2, MODEM_A, "+15555550123", 77, 8, 3, 2, "restart ");
        StorePartOutcome a = test_receive(f->s, &t1.p);
        assert_int_equal(test_receive(f->s, &t3.p).result, STORE_PART_ADDED);
        reopen(f);
        assert_int_equal(test_receive(f->s, &t1.p).result, STORE_PART_DUPLICATE); /* re-swept */
        StorePartOutcome c = test_receive(f->s, &t2.p);
        assert_int_equal(c.result, STORE_PART_COMPLETED);
        assert_int_equal(c.message_id, a.message_id);
        text = test_text_of(f->s, c.message_id);
        assert_string_equal(text, "before restart after");
        free(text);
}

static void test_store_groups_expire_partial_with_gaps(void **state) {
        Fixture *f = *state;
        TestPart t1, t3, late;
        int64_t *ids = NULL;
        size_t n = 0;
        StoreSms *m = NULL;

        test_part(&t1, MODEM_A, "+15555550123", 5, 8, 3, 1, "first ");
        test_part(&t3, MODEM_A, "+15555550123", 5, 8, 3, 3, " third");
        StorePartOutcome a = test_receive(f->s, &t1.p);
        fake_clock_advance(&f->clock, HOUR);
        assert_int_equal(test_receive(f->s, &t3.p).result, STORE_PART_ADDED);

        /* Age counts from the first part. */
        fake_clock_advance(&f->clock, 22 * HOUR);
        assert_int_equal(store_groups_expire(f->s, f->clock.real, 24 * HOUR, &ids, &n), 0);
        assert_int_equal(n, 0);
        free(ids);
        ids = NULL;
        assert_int_equal(count_listed(f->s), 0);

        fake_clock_advance(&f->clock, HOUR);
        assert_int_equal(store_groups_expire(f->s, f->clock.real, 24 * HOUR, &ids, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(ids[0], a.message_id);
        free(ids);

        assert_int_equal(store_sms_get(f->s, a.message_id, &m), 0);
        assert_int_equal(m->state, STORE_SMS_PARTIAL);
        assert_int_equal(m->parts_total, 3);
        assert_int_equal(m->parts_received, 2);
        assert_string_equal(m->text, "first [part 2 of 3 missing] third");
        store_sms_free(m);
        assert_int_equal(count_listed(f->s), 1);

        /* The missing part turning up late is kept, not thrown away. */
        test_part(&late, MODEM_A, "+15555550123", 5, 8, 3, 2, "second");
        StorePartOutcome l = test_receive(f->s, &late.p);
        assert_int_equal(l.result, STORE_PART_ADDED);
        assert_int_not_equal(l.message_id, a.message_id);
}

/* A board without RTC boots with a stale wall clock and jumps forward at
 * the first NTP sync: groups of this boot age on the monotonic clock. */
static void test_store_groups_expire_ignores_wall_clock_jump(void **state) {
        Fixture *f = *state;
        TestPart t;
        int64_t *ids = NULL;
        size_t n = 99;

        store_set_boot_id(f->s, "6d1c3f5e-0000-4000-8000-000000000001");
        test_part(&t, MODEM_A, "+15555550123", 12, 8, 2, 1, "half");
        StorePartOutcome a = test_receive(f->s, &t.p);

        f->clock.real += 72 * HOUR; /* NTP sync after two days powered off */
        fake_clock_advance(&f->clock, HOUR);
        assert_int_equal(store_groups_expire(f->s, f->clock.real, 24 * HOUR, &ids, &n), 0);
        assert_int_equal(n, 0);
        free(ids);
        ids = NULL;

        fake_clock_advance(&f->clock, 23 * HOUR);
        assert_int_equal(store_groups_expire(f->s, f->clock.real, 24 * HOUR, &ids, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(ids[0], a.message_id);
        free(ids);
}

/* After a reboot the monotonic clock restarted: the wall clock decides. */
static void test_store_groups_expire_after_reboot_uses_wall_clock(void **state) {
        Fixture *f = *state;
        TestPart t;
        int64_t *ids = NULL;
        size_t n = 99;

        store_set_boot_id(f->s, "6d1c3f5e-0000-4000-8000-000000000001");
        test_part(&t, MODEM_A, "+15555550123", 13, 8, 2, 1, "half");
        StorePartOutcome a = test_receive(f->s, &t.p);

        store_close(f->s);
        assert_int_equal(store_open(f->dir, &f->s), 0);
        store_set_clock(f->s, &f->clock.clock);
        store_set_boot_id(f->s, "6d1c3f5e-0000-4000-8000-000000000002");
        f->clock.mono = 5 * USEC_PER_SEC; /* fresh boot */
        f->clock.real += 23 * HOUR;
        assert_int_equal(store_groups_expire(f->s, f->clock.real, 24 * HOUR, &ids, &n), 0);
        assert_int_equal(n, 0);
        free(ids);
        ids = NULL;
        f->clock.real += HOUR;
        assert_int_equal(store_groups_expire(f->s, f->clock.real, 24 * HOUR, &ids, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(ids[0], a.message_id);
        free(ids);
}

static void test_store_part_received_pending_group_bound(void **state) {
        Fixture *f = *state;
        TestPart t;
        int64_t first = 0, second = 0;
        StoreSms *m = NULL;

        store_set_max_pending_groups(f->s, 3);
        for (uint16_t ref = 1; ref <= 3; ref++) {
                test_part(&t, MODEM_A, "+15555550123", ref, 8, 2, 1, "x");
                StorePartOutcome o = test_receive(f->s, &t.p);
                assert_int_equal(o.result, STORE_PART_ADDED);
                assert_int_equal(o.evicted_id, 0);
                if (ref == 1)
                        first = o.message_id;
                if (ref == 2)
                        second = o.message_id;
                fake_clock_advance(&f->clock, USEC_PER_SEC);
        }
        /* Another modem has its own budget. */
        test_part(&t, MODEM_B, "+15555550123", 1, 8, 2, 1, "y");
        assert_int_equal(test_receive(f->s, &t.p).evicted_id, 0);

        test_part(&t, MODEM_A, "+15555550123", 4, 8, 2, 1, "z");
        StorePartOutcome o = test_receive(f->s, &t.p);
        assert_int_equal(o.result, STORE_PART_ADDED);
        assert_int_equal(o.evicted_id, first); /* the oldest goes first */

        assert_int_equal(store_sms_get(f->s, first, &m), 0);
        assert_int_equal(m->state, STORE_SMS_PARTIAL);
        assert_string_equal(m->text, "x[part 2 of 2 missing]");
        store_sms_free(m);
        assert_int_equal(store_sms_get(f->s, second, &m), 0);
        assert_int_equal(m->state, STORE_SMS_RECEIVING);
        store_sms_free(m);
}

/* C04: the emoji's surrogate pair is split between the two parts. */
static void test_store_part_received_c04_ucs2_surrogate_split(void **state) {
        Fixture *f = *state;
        static const char ud1_hex[] = "00640061D83D", ud2_hex[] = "DE310020006F006B";
        uint8_t ud1[6], ud2[8];
        TestPart a, b;
        char *text;

        assert_int_equal(hex_decode(ud1_hex, strlen(ud1_hex), ud1, sizeof ud1), 6);
        assert_int_equal(hex_decode(ud2_hex, strlen(ud2_hex), ud2, sizeof ud2), 8);
        test_part(&b, MODEM_A, "+15555550177", 90, 8, 2, 2, "\xEF\xBF\xBD ok");
        b.p.encoding = REASSEMBLY_ENCODING_UCS2;
        b.p.ud = ud2;
        b.p.ud_size = sizeof ud2;
        test_part(&a, MODEM_A, "+15555550177", 90, 8, 2, 1, "da\xEF\xBF\xBD");
        a.p.encoding = REASSEMBLY_ENCODING_UCS2;
        a.p.ud = ud1;
        a.p.ud_size = sizeof ud1;
        assert_int_equal(test_receive(f->s, &b.p).result, STORE_PART_ADDED);
        StorePartOutcome o = test_receive(f->s, &a.p);
        assert_int_equal(o.result, STORE_PART_COMPLETED);
        text = test_text_of(f->s, o.message_id);
        assert_string_equal(text, "da\xF0\x9F\x98\xB1 ok");
        free(text);
}

static void test_store_part_received_undecodable_kept(void **state) {
        Fixture *f = *state;
        TestPart t;
        StoreSms *m = NULL;

        test_part(&t, MODEM_A, "+15555550123", 0, 0, 1, 1, NULL);
        t.p.decode_failed = true;
        t.p.decode_error = "bad-udl";
        t.p.encoding = REASSEMBLY_ENCODING_8BIT;
        strcpy(t.pdu, "07915155550501F0040B9151555505");
        StorePartOutcome o = test_receive(f->s, &t.p);
        assert_int_equal(o.result, STORE_PART_NEW_MESSAGE);
        assert_int_equal(store_sms_get(f->s, o.message_id, &m), 0);
        assert_string_equal(m->text, "[undecodable]");
        assert_true(m->parts[0].decode_failed);
        assert_string_equal(m->parts[0].decode_error, "bad-udl");
        assert_string_equal(m->parts[0].pdu_hex, "07915155550501F0040B9151555505");
        store_sms_free(m);
}

static void test_store_part_received_invalid_stores_nothing(void **state) {
        Fixture *f = *state;
        TestPart t;
        StorePartOutcome o = {.result = STORE_PART_ADDED, .message_id = 99};

        test_part(&t, MODEM_A, "+15555550123", 300, 8, 2, 1, "x");
        assert_int_equal(store_part_received(f->s, &t.p, &o), -EINVAL);
        assert_int_equal(o.message_id, 99); /* untouched */
        test_part(&t, MODEM_A, "+15555550123", 3, 8, 2, 3, "x");
        assert_int_equal(store_part_received(f->s, &t.p, &o), -EINVAL);
        test_part(&t, MODEM_A, "+15555550123", 3, 8, 2, 1, "x");
        t.p.pdu_hex = "XYZ";
        assert_int_equal(store_part_received(f->s, &t.p, &o), -EINVAL);
        assert_int_equal(count_listed(f->s), 0);
}

static void test_store_sms_delete_received_not_resurrected(void **state) {
        Fixture *f = *state;
        TestPart t;

        test_part(&t, MODEM_A, "+15555550123", 0, 0, 1, 1, "delete me");
        StorePartOutcome o = test_receive(f->s, &t.p);
        assert_int_equal(store_sms_delete(f->s, o.message_id), 0);
        assert_int_equal(store_sms_delete(f->s, o.message_id), -ENOENT);
        assert_int_equal(count_listed(f->s), 0);
        StoreSms *m = NULL;
        assert_int_equal(store_sms_get(f->s, o.message_id, &m), -ENOENT);
        /* A copy still on the SIM (crash before AT+CMGD) stays deleted. */
        assert_int_equal(test_receive(f->s, &t.p).result, STORE_PART_DUPLICATE);
        assert_int_equal(count_listed(f->s), 0);
}

static void test_store_seen_prune_window(void **state) {
        Fixture *f = *state;
        TestPart t;

        store_set_seen_window(f->s, 10 * USEC_PER_SEC);
        test_part(&t, MODEM_A, "+15555550123", 0, 0, 1, 1, "old");
        test_receive(f->s, &t.p);
        assert_int_equal(store_seen_prune(f->s, f->clock.real + 5 * USEC_PER_SEC), 0);
        assert_int_equal(store_seen_prune(f->s, f->clock.real + 11 * USEC_PER_SEC), 1);
}

static void test_store_sms_list_by_modem(void **state) {
        Fixture *f = *state;
        TestPart a, b;
        StoreSms *l = NULL;
        size_t n = 0;

        test_part(&a, MODEM_A, "+15555550123", 0, 0, 1, 1, "for A");
        test_part(&b, MODEM_B, "+15555550123", 0, 0, 1, 1, "for B");
        test_receive(f->s, &a.p);
        test_receive(f->s, &b.p);
        assert_int_equal(store_sms_list(f->s, MODEM_B, &l, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(l[0].text, "for B");
        assert_string_equal(l[0].modem_key, MODEM_B);
        store_sms_array_free(l, n);
        assert_int_equal(count_listed(f->s), 2);
}

static void test_store_parts_received_batch(void **state) {
        Fixture *f = *state;
        TestPart t[5];
        ReassemblyPart parts[5];
        StorePartOutcome out[5];
        char *text;

        test_part(&t[0], MODEM_A, "+15555550123", 0, 0, 1, 1, "single");
        test_part(&t[1], MODEM_A, "+15555550123", 31, 8, 2, 2, "world");
        test_part(&t[2], MODEM_A, "+15555550123", 31, 8, 2, 1, "hello ");
        test_part(&t[3], MODEM_A, "+15555550123", 0, 0, 1, 1, "single"); /* same PDU as [0] */
        test_part(&t[4], MODEM_A, "+15555550123", 32, 8, 2, 1, "pending");
        for (int i = 0; i < 5; i++)
                parts[i] = t[i].p;
        assert_int_equal(store_parts_received(f->s, parts, 5, out), 0);
        assert_int_equal(out[0].result, STORE_PART_NEW_MESSAGE);
        assert_int_equal(out[1].result, STORE_PART_ADDED);
        assert_int_equal(out[2].result, STORE_PART_COMPLETED);
        assert_int_equal(out[2].message_id, out[1].message_id);
        assert_int_equal(out[3].result, STORE_PART_DUPLICATE);
        assert_int_equal(out[3].message_id, out[0].message_id);
        assert_int_equal(out[4].result, STORE_PART_ADDED);
        text = test_text_of(f->s, out[2].message_id);
        assert_string_equal(text, "hello world");
        free(text);
        assert_int_equal(count_listed(f->s), 2);
}

static void test_store_parts_received_batch_all_or_nothing(void **state) {
        Fixture *f = *state;
        TestPart good, bad;
        ReassemblyPart parts[2];
        StorePartOutcome out[2] = {};

        test_part(&good, MODEM_A, "+15555550123", 0, 0, 1, 1, "good");
        test_part(&bad, MODEM_A, "+15555550123", 1, 8, 2, 3, "bad seq");
        parts[0] = good.p;
        parts[1] = bad.p;
        assert_int_equal(store_parts_received(f->s, parts, 2, out), -EINVAL);
        assert_int_equal(count_listed(f->s), 0);
        /* Nothing was fingerprinted either: the good part is new later. */
        assert_int_equal(test_receive(f->s, &good.p).result, STORE_PART_NEW_MESSAGE);
        assert_int_equal(store_part_received(f->s, NULL, out), -EINVAL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                T(test_store_part_received_single),
                T(test_store_part_received_c02_out_of_order),
                T(test_store_part_received_reversed),
                T(test_store_part_received_shuffled),
                T(test_store_part_received_duplicate),
                T(test_store_part_received_same_pdu_two_slots_both_kept),
                T(test_store_part_received_conflict),
                T(test_store_part_received_8bit_and_16bit_same_ref),
                T(test_store_part_received_two_senders_same_ref),
                T(test_store_part_received_restart_mid_group),
                T(test_store_groups_expire_partial_with_gaps),
                T(test_store_groups_expire_ignores_wall_clock_jump),
                T(test_store_groups_expire_after_reboot_uses_wall_clock),
                T(test_store_part_received_pending_group_bound),
                T(test_store_part_received_c04_ucs2_surrogate_split),
                T(test_store_part_received_undecodable_kept),
                T(test_store_part_received_invalid_stores_nothing),
                T(test_store_sms_delete_received_not_resurrected),
                T(test_store_seen_prune_window),
                T(test_store_sms_list_by_modem),
                T(test_store_parts_received_batch),
                T(test_store_parts_received_batch_all_or_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
