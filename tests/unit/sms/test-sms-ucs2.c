/* Unit tests for sms-ucs2: UTF-8 <-> UTF-16BE with surrogate pairs, bad
 * UTF-8 refused, bad UTF-16 from the network decoded as U+FFFD. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "sms/sms-encode.h"
#include "sms/sms-ucs2.h"

static void test_sms_ucs2_roundtrip_bmp_and_astral(void **state) {
        const char *text = "Aé€日😀\U0010FFFD";
        uint8_t be[64];
        char out[64];
        size_t n, len, units;
        static const uint8_t want[] = {0x00, 0x41, 0x00, 0xE9, 0x20, 0xAC, 0x65, 0xE5, 0xD8, 0x3D,
                                       0xDE, 0x00, 0xDB, 0xFF, 0xDF, 0xFD};

        assert_int_equal(sms_ucs2_count(text, strlen(text), &units), 0);
        assert_int_equal(units, 8);
        assert_int_equal(sms_ucs2_from_utf8(text, strlen(text), be, sizeof(be), &n), 0);
        assert_int_equal(n, sizeof(want));
        assert_memory_equal(be, want, sizeof(want));
        assert_int_equal(sms_ucs2_to_utf8(be, n, out, sizeof(out), &len), 0);
        assert_string_equal(out, text);
        assert_int_equal(len, strlen(text));
}

static void test_sms_ucs2_from_utf8_invalid(void **state) {
        uint8_t be[16];
        size_t n;
        assert_int_equal(sms_ucs2_from_utf8("\xED\xB0\x80", 3, be, sizeof(be), &n), -EINVAL); /* surrogate */
        assert_int_equal(sms_ucs2_from_utf8("a\xC3", 2, be, sizeof(be), &n), -EINVAL);
        assert_int_equal(sms_ucs2_count("\xF4\x90\x80\x80", 4, &n), -EINVAL); /* > U+10FFFF */
        assert_int_equal(sms_ucs2_from_utf8("😀", 4, be, 3, &n), -ENOBUFS);
        assert_int_equal(sms_ucs2_from_utf8("a", 1, be, 1, &n), -ENOBUFS);
        /* Refused, never sent changed: U+0000 and noncharacters would come
         * back as U+FFFD (fuzz-sms-pdu crasher of 2026-12-04). */
        assert_int_equal(sms_ucs2_from_utf8("a\0b", 3, be, sizeof(be), &n), -EINVAL);
        assert_int_equal(sms_ucs2_from_utf8("\xEF\xBF\xBE", 3, be, sizeof(be), &n), -EINVAL); /* U+FFFE */
        assert_int_equal(sms_ucs2_count("\xEF\xB7\x90", 3, &n), -EINVAL);                  /* U+FDD0 */
        SmsSubmit *sub = NULL;
        assert_int_equal(sms_encode_submit("+15555550123", "a\0b", 3, &(SmsSubmitOptions){0}, &sub), -EINVAL);
        assert_null(sub);
}

static void test_sms_ucs2_to_utf8_replaces_broken_utf16(void **state) {
        char out[64];
        size_t len;
        /* lone low, lone high followed by BMP, high at the end, odd octet. */
        static const uint8_t in[] = {0xDC, 0x00, 0xD8, 0x3D, 0x00, 0x41, 0xD8, 0x3D, 0x00};
        assert_int_equal(sms_ucs2_to_utf8(in, sizeof(in), out, sizeof(out), &len), 0);
        assert_string_equal(out, "\uFFFD\uFFFDA\uFFFD\uFFFD");
        /* Worst case bound: 3 bytes per unit + NUL. */
        static const uint8_t lone[] = {0xDC, 0x00, 0xDC, 0x00};
        assert_int_equal(sms_ucs2_to_utf8(lone, 4, out, 7, &len), 0);
        assert_int_equal(len, 6);
        assert_int_equal(sms_ucs2_to_utf8(lone, 4, out, 6, &len), -ENOBUFS);
        /* U+0000 would end the C string (and cannot go over D-Bus): U+FFFD,
         * never a silently shortened text. */
        assert_int_equal(sms_ucs2_to_utf8((const uint8_t *)"\x00\x00\x00\x42", 4, out, sizeof(out), &len), 0);
        assert_string_equal(out, "\uFFFDB");
        assert_int_equal(len, strlen(out));
        /* Noncharacters (U+FFFE, U+FFFF, U+FDD0, U+1FFFE): sd-bus refuses
         * them, the message could not be read: U+FFFD too. */
        static const uint8_t nonchar[] = {0xFF, 0xFE, 0x00, 0x41, 0xFF, 0xFF, 0xFD, 0xD0, 0xD8, 0x3F, 0xDF, 0xFE};
        assert_int_equal(sms_ucs2_to_utf8(nonchar, sizeof(nonchar), out, sizeof(out), &len), 0);
        assert_string_equal(out, "\uFFFDA\uFFFD\uFFFD\uFFFD");
}

static void test_sms_ucs2_every_code_point_roundtrips(void **state) {
        char in[8], out[8];
        uint8_t be[8];
        for (uint32_t cp = 1; cp <= 0x10FFFF; cp += (cp < 0x3000 ? 1 : 97)) {
                size_t l, n, len;
                if ((cp >= 0xD800 && cp <= 0xDFFF) || (cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF))
                        continue; /* noncharacters decode to U+FFFD (above) */
                if (cp < 0x80) {
                        in[0] = (char)cp;
                        l = 1;
                } else if (cp < 0x800) {
                        in[0] = (char)(0xC0 | cp >> 6);
                        in[1] = (char)(0x80 | (cp & 0x3F));
                        l = 2;
                } else if (cp < 0x10000) {
                        in[0] = (char)(0xE0 | cp >> 12);
                        in[1] = (char)(0x80 | (cp >> 6 & 0x3F));
                        in[2] = (char)(0x80 | (cp & 0x3F));
                        l = 3;
                } else {
                        in[0] = (char)(0xF0 | cp >> 18);
                        in[1] = (char)(0x80 | (cp >> 12 & 0x3F));
                        in[2] = (char)(0x80 | (cp >> 6 & 0x3F));
                        in[3] = (char)(0x80 | (cp & 0x3F));
                        l = 4;
                }
                assert_int_equal(sms_ucs2_from_utf8(in, l, be, sizeof(be), &n), 0);
                assert_int_equal(n, cp >= 0x10000 ? 4 : 2);
                assert_int_equal(sms_ucs2_to_utf8(be, n, out, sizeof(out), &len), 0);
                assert_int_equal(len, l);
                assert_memory_equal(out, in, l);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sms_ucs2_roundtrip_bmp_and_astral),
                cmocka_unit_test(test_sms_ucs2_from_utf8_invalid),
                cmocka_unit_test(test_sms_ucs2_to_utf8_replaces_broken_utf16),
                cmocka_unit_test(test_sms_ucs2_every_code_point_roundtrips),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
