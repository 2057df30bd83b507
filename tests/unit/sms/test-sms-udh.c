/* Unit tests for sms-udh: concatenation 8/16-bit, ports, unknown IEs,
 * national language IEs, bounds and invalid concatenation values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "sms/sms-udh.h"

static void test_sms_udh_parse_concat_8(void **state) {
        static const uint8_t h[] = {0x00, 0x03, 0xC3, 0x02, 0x01};
        SmsUdh u;
        assert_int_equal(sms_udh_parse(h, sizeof(h), &u, NULL), 0);
        assert_true(u.concat.present);
        assert_int_equal(u.concat.ref_bits, 8);
        assert_int_equal(u.concat.ref, 0xC3);
        assert_int_equal(u.concat.total, 2);
        assert_int_equal(u.concat.seq, 1);
        assert_false(u.ports.present);
        assert_int_equal(u.national_single_shift, -1);
        assert_int_equal(u.national_locking_shift, -1);
        assert_int_equal(u.n_ies, 1);
}

static void test_sms_udh_parse_concat_16_ports_unknown(void **state) {
        static const uint8_t h[] = {0x70, 0x00,                   /* unknown, empty */
                                    0x08, 0x04, 0xBE, 0xEF, 0x05, 0x05, /* concat 16 */
                                    0x04, 0x02, 0x10, 0x20,       /* 8-bit ports */
                                    0x24, 0x01, 0x02, 0x25, 0x01, 0x03,
                                    0x0A, 0x03, 0x00, 0x00, 0x00}; /* text formatting: skipped */
        SmsUdh u;
        assert_int_equal(sms_udh_parse(h, sizeof(h), &u, NULL), 0);
        assert_int_equal(u.concat.ref_bits, 16);
        assert_int_equal(u.concat.ref, 0xBEEF);
        assert_int_equal(u.concat.total, 5);
        assert_int_equal(u.concat.seq, 5);
        assert_true(u.ports.present);
        assert_int_equal(u.ports.bits, 8);
        assert_int_equal(u.ports.dst, 0x10);
        assert_int_equal(u.ports.src, 0x20);
        assert_int_equal(u.national_single_shift, 2);
        assert_int_equal(u.national_locking_shift, 3);
        assert_int_equal(u.n_ies, 6);
}

static void test_sms_udh_parse_last_repeated_ie_wins(void **state) {
        static const uint8_t h[] = {0x00, 0x03, 0x01, 0x02, 0x01, 0x00, 0x03, 0x09, 0x03, 0x03};
        SmsUdh u;
        assert_int_equal(sms_udh_parse(h, sizeof(h), &u, NULL), 0);
        assert_int_equal(u.concat.ref, 9);
        assert_int_equal(u.concat.seq, 3);
}

static void expect_bad(const uint8_t *h, size_t len, const char *part) {
        SmsUdh u;
        const char *reason = NULL;
        assert_int_equal(sms_udh_parse(h, len, &u, &reason), -EBADMSG);
        assert_non_null(reason);
        assert_non_null(strstr(reason, part));
}

static void test_sms_udh_parse_malformed(void **state) {
        expect_bad((const uint8_t[]){0x00, 0x03, 0x01, 0x00, 0x01}, 5, "total is 0");
        expect_bad((const uint8_t[]){0x00, 0x03, 0x01, 0x02, 0x00}, 5, "sequence is 0");
        expect_bad((const uint8_t[]){0x00, 0x03, 0x01, 0x02, 0x03}, 5, "beyond total");
        expect_bad((const uint8_t[]){0x08, 0x03, 0x01, 0x02, 0x01}, 5, "wrong length");
        expect_bad((const uint8_t[]){0x05, 0x02, 0x01, 0x02}, 4, "wrong length");
        expect_bad((const uint8_t[]){0x04, 0x04, 0x01, 0x02, 0x03, 0x04}, 6, "wrong length");
        expect_bad((const uint8_t[]){0x24, 0x02, 0x01, 0x02}, 4, "wrong length");
        expect_bad((const uint8_t[]){0x00, 0x03, 0x01, 0x02}, 4, "longer than the header");
        expect_bad((const uint8_t[]){0x00}, 1, "truncated");
        SmsUdh u;
        assert_int_equal(sms_udh_parse(NULL, 0, &u, NULL), 0); /* empty header is valid */
        assert_int_equal(u.n_ies, 0);
}

static void test_sms_udh_write_concat(void **state) {
        uint8_t out[8];
        size_t n;
        SmsConcat c = {.present = true, .ref_bits = 8, .ref = 0xC3, .total = 3, .seq = 2};
        assert_int_equal(sms_udh_write_concat(&c, out, sizeof(out), &n), 0);
        assert_int_equal(n, SMS_UDH_CONCAT_8_LEN);
        assert_memory_equal(out, "\x05\x00\x03\xC3\x03\x02", 6);
        c.ref_bits = 16;
        c.ref = 0x1234;
        assert_int_equal(sms_udh_write_concat(&c, out, sizeof(out), &n), 0);
        assert_int_equal(n, SMS_UDH_CONCAT_16_LEN);
        assert_memory_equal(out, "\x06\x08\x04\x12\x34\x03\x02", 7);
        assert_int_equal(sms_udh_write_concat(&c, out, 6, &n), -ENOBUFS);
        c.seq = 4;
        assert_int_equal(sms_udh_write_concat(&c, out, sizeof(out), &n), -EINVAL);
        c = (SmsConcat){.ref_bits = 8, .ref = 256, .total = 1, .seq = 1};
        assert_int_equal(sms_udh_write_concat(&c, out, sizeof(out), &n), -EINVAL);
        c = (SmsConcat){.ref_bits = 12, .ref = 1, .total = 1, .seq = 1};
        assert_int_equal(sms_udh_write_concat(&c, out, sizeof(out), &n), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sms_udh_parse_concat_8),
                cmocka_unit_test(test_sms_udh_parse_concat_16_ports_unknown),
                cmocka_unit_test(test_sms_udh_parse_last_repeated_ie_wins),
                cmocka_unit_test(test_sms_udh_parse_malformed),
                cmocka_unit_test(test_sms_udh_write_concat),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
