/* Unit tests for sms-gsm7: the 23.038 6.2.1 default table and extension,
 * '@' as septet 0x00, undefined escapes, packing with fill bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "sms/sms-gsm7.h"

/* The default alphabet in septet order (0x1B, the escape, shown as space). */
static const char *const basic_utf8[128] = {
        "@", "£", "$", "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
        "Δ", "_", "Φ", "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ", " ", "Æ", "æ", "ß", "É",
        " ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/",
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ":", ";", "<", "=", ">", "?",
        "¡", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O",
        "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "Ä", "Ö", "Ñ", "Ü", "§",
        "¿", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
        "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "ä", "ö", "ñ", "ü", "à",
};

static void test_sms_gsm7_basic_table_roundtrip(void **state) {
        for (unsigned s = 0; s < 128; s++) {
                uint8_t sep = (uint8_t)s, back[4];
                char out[8];
                size_t len, n;
                if (s == SMS_GSM7_ESC)
                        continue;
                assert_int_equal(sms_gsm7_to_utf8(&sep, 1, out, sizeof(out), &len), 0);
                assert_string_equal(out, basic_utf8[s]);
                assert_int_equal(len, strlen(basic_utf8[s]));
                assert_int_equal(sms_gsm7_from_utf8(out, len, back, sizeof(back), &n), 0);
                assert_int_equal(n, 1);
                assert_int_equal(back[0], s);
        }
}

static void test_sms_gsm7_extension_table(void **state) {
        static const struct {
                const char *utf8;
                uint8_t code;
        } ext[] = {{"\f", 0x0A}, {"^", 0x14}, {"{", 0x28}, {"}", 0x29}, {"\\", 0x2F},
                   {"[", 0x3C},  {"~", 0x3D}, {"]", 0x3E}, {"|", 0x40}, {"€", 0x65}};
        for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
                uint8_t sep[4];
                size_t n, len;
                char out[8];
                assert_int_equal(sms_gsm7_from_utf8(ext[i].utf8, strlen(ext[i].utf8), sep, sizeof(sep), &n), 0);
                assert_int_equal(n, 2);
                assert_int_equal(sep[0], SMS_GSM7_ESC);
                assert_int_equal(sep[1], ext[i].code);
                assert_int_equal(sms_gsm7_to_utf8(sep, 2, out, sizeof(out), &len), 0);
                assert_string_equal(out, ext[i].utf8);
        }
}

static void test_sms_gsm7_count_extension_is_two(void **state) {
        size_t n;
        assert_int_equal(sms_gsm7_count("a€[b", strlen("a€[b"), &n), 0);
        assert_int_equal(n, 6);
        assert_int_equal(sms_gsm7_count("", 0, &n), 0);
        assert_int_equal(n, 0);
        assert_int_equal(sms_gsm7_count("ç", strlen("ç"), &n), -EILSEQ); /* U+00E7 is not Ç */
        assert_int_equal(sms_gsm7_count("\x1b", 1, &n), -EILSEQ);        /* ESC is no character */
        assert_int_equal(sms_gsm7_count("`", 1, &n), -EILSEQ);
        assert_int_equal(sms_gsm7_count("😀", strlen("😀"), &n), -EILSEQ);
}

static void test_sms_gsm7_invalid_utf8(void **state) {
        static const char *const bad[] = {"\xC0\x80", "\xED\xA0\x80", "\xE2\x82", "\xF5\x80\x80\x80", "\x80",
                                          "\xF0\x82\x82\xAC", "\xFF"};
        size_t n;
        uint8_t out[8];
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(sms_gsm7_count(bad[i], strlen(bad[i]), &n), -EINVAL);
                assert_int_equal(sms_gsm7_from_utf8(bad[i], strlen(bad[i]), out, sizeof(out), &n), -EINVAL);
        }
}

static void test_sms_gsm7_at_sign_is_not_a_terminator(void **state) {
        const char *text = "@a@";
        uint8_t sep[8], packed[8], back[8];
        size_t n, plen, len;
        char out[16];

        assert_int_equal(sms_gsm7_from_utf8(text, 3, sep, sizeof(sep), &n), 0);
        assert_int_equal(n, 3);
        assert_memory_equal(sep, "\x00\x61\x00", 3);
        assert_int_equal(sms_gsm7_pack(sep, n, 0, packed, sizeof(packed), &plen), 0);
        assert_int_equal(plen, 3);
        assert_int_equal(sms_gsm7_unpack(packed, plen, 0, n, back), 0);
        assert_memory_equal(back, sep, 3);
        assert_int_equal(sms_gsm7_to_utf8(back, n, out, sizeof(out), &len), 0);
        assert_int_equal(len, 3);
        assert_string_equal(out, "@a@");
}

static void test_sms_gsm7_pack_23038_hellohello(void **state) {
        /* The packing example of 23.038 6.1.2.1.1 (and GSM 03.38). */
        static const uint8_t want[] = {0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37};
        uint8_t sep[16], packed[16];
        size_t n, plen;
        assert_int_equal(sms_gsm7_from_utf8("hellohello", 10, sep, sizeof(sep), &n), 0);
        assert_int_equal(sms_gsm7_pack(sep, n, 0, packed, sizeof(packed), &plen), 0);
        assert_int_equal(plen, sizeof(want));
        assert_memory_equal(packed, want, sizeof(want));
}

static void test_sms_gsm7_pack_fill_bits_roundtrip(void **state) {
        uint8_t sep[160], packed[141], back[160];
        uint32_t x = 12345;
        for (unsigned fill = 0; fill <= 6; fill++)
                for (size_t n = 0; n <= 159; n++) {
                        size_t plen;
                        for (size_t i = 0; i < n; i++) {
                                x = x * 1103515245 + 12345;
                                sep[i] = (uint8_t)((x >> 16) & 0x7F);
                        }
                        assert_int_equal(sms_gsm7_pack(sep, n, fill, packed, sizeof(packed), &plen), 0);
                        assert_int_equal(plen, (n * 7 + fill + 7) / 8);
                        assert_int_equal(packed[0] & ((1u << fill) - 1), 0); /* fill bits are zero */
                        assert_int_equal(sms_gsm7_unpack(packed, plen, fill, n, back), 0);
                        assert_memory_equal(back, sep, n);
                        if (plen > 0)
                                assert_int_equal(sms_gsm7_unpack(packed, plen - 1, fill, n, back), -EBADMSG);
                }
        assert_int_equal(sms_gsm7_pack(sep, 160, 0, packed, 139, &(size_t){0}), -ENOBUFS);
        assert_int_equal(sms_gsm7_pack(sep, 1, 7, packed, 139, &(size_t){0}), -EINVAL);
}

static void test_sms_gsm7_decode_undefined_escapes(void **state) {
        char out[32];
        size_t len;
        /* ESC + undefined code -> default-table character of the code. */
        assert_int_equal(sms_gsm7_to_utf8((const uint8_t *)"\x1b\x41\x1b\x00", 4, out, sizeof(out), &len), 0);
        assert_string_equal(out, "A@");
        /* ESC ESC -> space; ESC at the end -> space. */
        assert_int_equal(sms_gsm7_to_utf8((const uint8_t *)"a\x1b\x1b" "b\x1b", 5, out, sizeof(out), &len), 0);
        assert_string_equal(out, "a b ");
        /* CR2 (ESC 0x0D, reserved) -> CR. */
        assert_int_equal(sms_gsm7_to_utf8((const uint8_t *)"\x1b\x0d", 2, out, sizeof(out), &len), 0);
        assert_string_equal(out, "\r");
        /* Bit 7 of an unpacked septet is ignored. */
        assert_int_equal(sms_gsm7_to_utf8((const uint8_t *)"\xC1", 1, out, sizeof(out), &len), 0);
        assert_string_equal(out, "A");
}

static void test_sms_gsm7_to_utf8_bounds(void **state) {
        char out[4];
        size_t len;
        uint8_t sep[2] = {0x10, 0x10}; /* Δ Δ: 4 bytes + NUL */
        assert_int_equal(sms_gsm7_to_utf8(sep, 2, out, sizeof(out), &len), -ENOBUFS);
        assert_int_equal(sms_gsm7_to_utf8(sep, 1, out, sizeof(out), &len), 0);
        assert_int_equal(len, 2);
        assert_int_equal(sms_gsm7_to_utf8(sep, 0, out, 1, &len), 0);
        assert_int_equal(sms_gsm7_to_utf8(sep, 0, out, 0, &len), -ENOBUFS);
        /* from_utf8 into a short buffer. */
        uint8_t s[1];
        size_t n;
        assert_int_equal(sms_gsm7_from_utf8("€", 3, s, sizeof(s), &n), -ENOBUFS);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sms_gsm7_basic_table_roundtrip),
                cmocka_unit_test(test_sms_gsm7_extension_table),
                cmocka_unit_test(test_sms_gsm7_count_extension_is_two),
                cmocka_unit_test(test_sms_gsm7_invalid_utf8),
                cmocka_unit_test(test_sms_gsm7_at_sign_is_not_a_terminator),
                cmocka_unit_test(test_sms_gsm7_pack_23038_hellohello),
                cmocka_unit_test(test_sms_gsm7_pack_fill_bits_roundtrip),
                cmocka_unit_test(test_sms_gsm7_decode_undefined_escapes),
                cmocka_unit_test(test_sms_gsm7_to_utf8_bounds),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
