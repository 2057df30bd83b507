/* Unit tests for the pure multipart join (3GPP TS 23.040 9.2.3.24.1/.8)
 * with the field cases C02 (parts 1,3,2) and C04 (UCS-2 surrogate pair
 * split across two parts). */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reassembly/reassembly.h"
#include "util/strutil.h"

/* C02 (ubports/ofono#21): the decoded texts of the three parts, ref 116. */
static const char *const c02_parts[3] = {
        "Maintenance notice part one: the north gate will be closed on Monday from 08:00 to 12:00 while the "
        "barrier motor is replaced. Deliveries should use the s",
        "outh entrance during that window. Part two: parking level B is reserved for visitors all week; staff "
        "badges will not open it. Part three: the cafeteria c",
        "loses early on Friday at 14:00. Thank you for your patience.",
};

/* C04 (rilmodem/ofono#77): UCS-2 user data after the UDH of both parts. */
static const char c04_ud1[] =
        "005700650065006B0065006E006400200070006C0061006E003A002000680069006B00650020006100740020006E006900"
        "6E0065002C0020006C0075006E0063006800200062007900200074006800650020006C0061006B0065002C002000740068"
        "0065006E0020006200610063006B0020006200650066006F00720065002000640061D83D";
static const char c04_ud2[] = "DE31002000730065006500200079006F00750020007400680065007200650020D83DDE000020006F006B";
static const char c04_text[] = "Weekend plan: hike at nine, lunch by the lake, then back before da\xF0\x9F\x98\xB1 see you "
                               "there \xF0\x9F\x98\x80 ok";

static ReassemblyPiece gsm7(uint8_t seq, const char *text) {
        return (ReassemblyPiece){.seq = seq, .encoding = REASSEMBLY_ENCODING_GSM7, .text = text};
}

static void test_reassembly_join_c02_out_of_order(void **state) {
        ReassemblyPiece p[3] = {gsm7(1, c02_parts[0]), gsm7(3, c02_parts[2]), gsm7(2, c02_parts[1])};
        char expected[1024];
        char *text = NULL;
        unsigned received = 0;

        snprintf(expected, sizeof expected, "%s%s%s", c02_parts[0], c02_parts[1], c02_parts[2]);
        assert_int_equal(reassembly_join(p, 3, 3, &text, &received), 0);
        assert_string_equal(text, expected);
        assert_int_equal(received, 3);
        free(text);
}

static void test_reassembly_join_c04_ucs2_surrogate_split(void **state) {
        uint8_t ud1[256], ud2[64];
        int n1 = hex_decode(c04_ud1, strlen(c04_ud1), ud1, sizeof ud1);
        int n2 = hex_decode(c04_ud2, strlen(c04_ud2), ud2, sizeof ud2);
        char *text = NULL, *alone = NULL;

        assert_int_equal(n1, 134);
        assert_int_equal(n2, 42);
        /* Text the codec would give for each part alone: lone surrogates. */
        ReassemblyPiece p[2] = {
                {.seq = 2, .encoding = REASSEMBLY_ENCODING_UCS2, .text = "?", .ud = ud2, .ud_size = (size_t)n2},
                {.seq = 1, .encoding = REASSEMBLY_ENCODING_UCS2, .text = "?", .ud = ud1, .ud_size = (size_t)n1},
        };
        assert_int_equal(reassembly_join(p, 2, 2, &text, NULL), 0);
        assert_string_equal(text, c04_text);
        assert_null(strstr(text, "\xEF\xBF\xBD")); /* no U+FFFD */
        free(text);

        /* Decoding part 1 alone leaves a lone high surrogate: U+FFFD. */
        assert_int_equal(reassembly_utf16be_to_utf8(ud1, (size_t)n1, &alone), 0);
        assert_non_null(strstr(alone, "da\xEF\xBF\xBD"));
        free(alone);
}

static void test_reassembly_join_missing_parts_marked(void **state) {
        ReassemblyPiece p[2] = {gsm7(3, "c"), gsm7(1, "a")};
        char *text = NULL;
        unsigned received = 0;

        assert_int_equal(reassembly_join(p, 2, 4, &text, &received), 0);
        assert_string_equal(text, "a[part 2 of 4 missing]c[part 4 of 4 missing]");
        assert_int_equal(received, 2);
        free(text);
}

static void test_reassembly_join_undecodable_part_marked(void **state) {
        ReassemblyPiece p[2] = {gsm7(1, "a"), {.seq = 2, .encoding = REASSEMBLY_ENCODING_8BIT}};
        ReassemblyPiece single = {.seq = 1, .encoding = REASSEMBLY_ENCODING_GSM7};
        char *text = NULL;

        assert_int_equal(reassembly_join(p, 2, 2, &text, NULL), 0);
        assert_string_equal(text, "a[part 2 of 2 undecodable]");
        free(text);
        assert_int_equal(reassembly_join(&single, 1, 1, &text, NULL), 0);
        assert_string_equal(text, "[undecodable]");
        free(text);
}

static void test_reassembly_join_ucs2_missing_middle_flushes_units(void **state) {
        /* High surrogate at the end of part 1, part 2 missing: U+FFFD, then the marker. */
        static const uint8_t u1[] = {0x00, 0x41, 0xD8, 0x3D}, u3[] = {0x00, 0x42};
        ReassemblyPiece p[2] = {
                {.seq = 1, .encoding = REASSEMBLY_ENCODING_UCS2, .text = "A", .ud = u1, .ud_size = 4},
                {.seq = 3, .encoding = REASSEMBLY_ENCODING_UCS2, .text = "B", .ud = u3, .ud_size = 2},
        };
        char *text = NULL;

        assert_int_equal(reassembly_join(p, 2, 3, &text, NULL), 0);
        assert_string_equal(text, "A\xEF\xBF\xBD[part 2 of 3 missing]B");
        free(text);
}

static void test_reassembly_join_mixed_encodings(void **state) {
        static const uint8_t u2[] = {0x20, 0xAC}; /* € */
        ReassemblyPiece p[3] = {
                gsm7(1, "x"),
                {.seq = 2, .encoding = REASSEMBLY_ENCODING_UCS2, .text = "\xE2\x82\xAC", .ud = u2, .ud_size = 2},
                gsm7(3, "y"),
        };
        char *text = NULL;

        assert_int_equal(reassembly_join(p, 3, 3, &text, NULL), 0);
        assert_string_equal(text, "x\xE2\x82\xACy");
        free(text);
}

static void test_reassembly_join_first_duplicate_wins(void **state) {
        ReassemblyPiece p[3] = {gsm7(1, "first"), gsm7(1, "second"), gsm7(2, "!")};
        char *text = NULL;
        unsigned received = 0;

        assert_int_equal(reassembly_join(p, 3, 2, &text, &received), 0);
        assert_string_equal(text, "first!");
        assert_int_equal(received, 2);
        free(text);
}

static void test_reassembly_join_rejects_bad_seq(void **state) {
        ReassemblyPiece p[1] = {gsm7(3, "a")};
        ReassemblyPiece z[1] = {gsm7(0, "a")};
        char *text = NULL;

        assert_int_equal(reassembly_join(p, 1, 2, &text, NULL), -EINVAL);
        assert_int_equal(reassembly_join(z, 1, 2, &text, NULL), -EINVAL);
        assert_int_equal(reassembly_join(p, 1, 0, &text, NULL), -EINVAL);
        assert_null(text);
}

static void test_reassembly_utf16be_to_utf8_edge_cases(void **state) {
        static const uint8_t lone_low[] = {0xDE, 0x00, 0x00, 0x41};
        static const uint8_t nul_odd[] = {0x00, 0x00, 0x00, 0x42, 0x7F};
        static const uint8_t pair[] = {0xD8, 0x3D, 0xDE, 0x00};
        char *t = NULL;

        assert_int_equal(reassembly_utf16be_to_utf8(lone_low, sizeof lone_low, &t), 0);
        assert_string_equal(t, "\xEF\xBF\xBD" "A");
        free(t);
        assert_int_equal(reassembly_utf16be_to_utf8(nul_odd, sizeof nul_odd, &t), 0);
        assert_string_equal(t, "\xEF\xBF\xBD" "B");
        free(t);
        assert_int_equal(reassembly_utf16be_to_utf8(pair, sizeof pair, &t), 0);
        assert_string_equal(t, "\xF0\x9F\x98\x80");
        free(t);
        /* Noncharacters U+FFFE, U+FDD0, U+10FFFF (a pair): sd-bus refuses them. */
        static const uint8_t nonchar[] = {0xFF, 0xFE, 0x00, 0x41, 0xFD, 0xD0, 0xDB, 0xFF, 0xDF, 0xFF};
        assert_int_equal(reassembly_utf16be_to_utf8(nonchar, sizeof nonchar, &t), 0);
        assert_string_equal(t, "\xEF\xBF\xBD" "A" "\xEF\xBF\xBD" "\xEF\xBF\xBD");
        free(t);
}

static ReassemblyPart part(uint16_t ref, uint8_t bits, uint8_t total, uint8_t seq, const char *text) {
        return (ReassemblyPart){
                .modem_key = "ab12",
                .sender = "+15555550123",
                .ref = ref,
                .ref_bits = bits,
                .total = total,
                .seq = seq,
                .encoding = REASSEMBLY_ENCODING_GSM7,
                .text = text,
                .pdu_hex = "0011",
                .msg_class = -1,
                .index = -1,
        };
}

static void test_reassembly_part_validate(void **state) {
        ReassemblyPart p = part(116, 8, 3, 2, "b");
        assert_int_equal(reassembly_part_validate(&p), 0);

        p = part(300, 8, 3, 2, "b");
        assert_int_equal(reassembly_part_validate(&p), -EINVAL); /* 8-bit ref > 255 */
        p = part(300, 16, 3, 2, "b");
        assert_int_equal(reassembly_part_validate(&p), 0);
        p = part(1, 8, 3, 4, "b");
        assert_int_equal(reassembly_part_validate(&p), -EINVAL); /* seq > total */
        p = part(1, 8, 3, 0, "b");
        assert_int_equal(reassembly_part_validate(&p), -EINVAL);
        p = part(0, 0, 2, 1, "b");
        assert_int_equal(reassembly_part_validate(&p), -EINVAL); /* unconcatenated needs total 1 */
        p = part(1, 12, 3, 1, "b");
        assert_int_equal(reassembly_part_validate(&p), -EINVAL);
        p = part(1, 8, 3, 1, "\xC3\x28");
        assert_int_equal(reassembly_part_validate(&p), -EINVAL); /* bad UTF-8 */
        p = part(1, 8, 3, 1, NULL);
        assert_int_equal(reassembly_part_validate(&p), -EINVAL);
        p.decode_failed = true;
        assert_int_equal(reassembly_part_validate(&p), 0);
        p.pdu_hex = "0G";
        assert_int_equal(reassembly_part_validate(&p), -EINVAL);
        p.pdu_hex = "001";
        assert_int_equal(reassembly_part_validate(&p), -EINVAL);
        p = part(1, 8, 3, 1, "a");
        p.sender = "";
        assert_int_equal(reassembly_part_validate(&p), -EINVAL);
        assert_int_equal(reassembly_part_validate(NULL), -EINVAL);
}

static void test_reassembly_same_group_widths_never_mix(void **state) {
        ReassemblyPart a = part(7, 8, 2, 1, "a"), b = part(7, 16, 2, 2, "b"), c = part(7, 8, 2, 2, "b");
        ReassemblyPart d = part(7, 8, 3, 2, "b"), e = part(7, 8, 2, 2, "b");
        e.sender = "+15555550199";

        assert_false(reassembly_same_group(&a, &b));
        assert_true(reassembly_same_group(&a, &c));
        assert_false(reassembly_same_group(&a, &d)); /* total differs */
        assert_false(reassembly_same_group(&a, &e)); /* sender differs */
}

static void test_reassembly_same_content(void **state) {
        ReassemblyPart a = part(7, 8, 2, 1, "hello"), b = part(7, 8, 2, 1, "hello"), c = part(7, 8, 2, 1, "hullo");
        b.timestamp = 12345; /* a resend with another SCTS is still the same content */
        b.pdu_hex = "AABB";
        assert_true(reassembly_same_content(&a, &b));
        assert_false(reassembly_same_content(&a, &c));

        static const uint8_t u1[] = {0x00, 0x41}, u2[] = {0x00, 0x42};
        a.encoding = b.encoding = REASSEMBLY_ENCODING_UCS2;
        a.ud = u1, a.ud_size = 2;
        b.ud = u2, b.ud_size = 2;
        assert_false(reassembly_same_content(&a, &b)); /* same text, different units */

        a = part(7, 8, 2, 1, NULL), b = part(7, 8, 2, 1, NULL);
        a.decode_failed = b.decode_failed = true;
        a.pdu_hex = "00ab";
        b.pdu_hex = "00AB";
        assert_true(reassembly_same_content(&a, &b));
        b.pdu_hex = "00AC";
        assert_false(reassembly_same_content(&a, &b));
}

static void test_reassembly_encoding_strings(void **state) {
        assert_string_equal(reassembly_encoding_to_string(REASSEMBLY_ENCODING_UCS2), "ucs2");
        assert_int_equal(reassembly_encoding_from_string("8bit"), REASSEMBLY_ENCODING_8BIT);
        assert_int_equal(reassembly_encoding_from_string("utf8"), _REASSEMBLY_ENCODING_INVALID);
        assert_null(reassembly_encoding_to_string(_REASSEMBLY_ENCODING_MAX));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_reassembly_join_c02_out_of_order),
                cmocka_unit_test(test_reassembly_join_c04_ucs2_surrogate_split),
                cmocka_unit_test(test_reassembly_join_missing_parts_marked),
                cmocka_unit_test(test_reassembly_join_undecodable_part_marked),
                cmocka_unit_test(test_reassembly_join_ucs2_missing_middle_flushes_units),
                cmocka_unit_test(test_reassembly_join_mixed_encodings),
                cmocka_unit_test(test_reassembly_join_first_duplicate_wins),
                cmocka_unit_test(test_reassembly_join_rejects_bad_seq),
                cmocka_unit_test(test_reassembly_utf16be_to_utf8_edge_cases),
                cmocka_unit_test(test_reassembly_part_validate),
                cmocka_unit_test(test_reassembly_same_group_widths_never_mix),
                cmocka_unit_test(test_reassembly_same_content),
                cmocka_unit_test(test_reassembly_encoding_strings),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
