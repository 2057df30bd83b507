/* Unit tests for sms-encode: exact PDUs for known inputs (field case C14's
 * AT+CMGS PDU), options, refusals before any output, and the round-trip
 * property over a generated corpus: encode -> segment -> PDUs -> decode ->
 * join gives back the exact input for every length 0..2000 characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/sms-encode.h"
#include "sms/sms-gsm7.h"

#define _cleanup_submit_ __attribute__((cleanup(sms_submit_freep)))

static SmsPart part;

static void test_sms_encode_submit_c14_exact_pdu(void **state) {
        /* Field case C14: "AT+CMGS=43" then this PDU (SRR, VP 1 day, MR 0). */
        SmsSubmit *s = NULL;
        SmsSubmitOptions o = {.status_report = true, .validity_minutes = 1440};
        const char *text = "Test message with delivery report";
        assert_int_equal(sms_encode_submit("+15555550150", text, strlen(text), &o, &s), 0);
        assert_int_equal(s->n_parts, 1);
        assert_int_equal(s->encoding, SMS_ENCODING_GSM7);
        assert_int_equal(s->parts[0].tpdu_len, 43);
        assert_string_equal(s->parts[0].hex,
                            "0031000B915155550551F00000A721D4F29C0E6A97E7F3F0B90CBAA7E96810B9CC4EDBCBF23C485E86BFE574");
        sms_submit_free(s);
}

static void test_sms_encode_submit_hellohello_by_hand(void **state) {
        /* 00 SMSC | 01 SUBMIT | 00 MR | 0B 81 5555550123F (national/unknown)
         * | 00 PID | 00 DCS | 0A UDL | E8329BFD4697D9EC37 (23.038 example). */
        _cleanup_submit_ SmsSubmit *s = NULL;
        assert_int_equal(sms_encode_submit("55555501230", "hellohello", 10, NULL, &s), 0);
        assert_string_equal(s->parts[0].hex, "0001000B815555551032F000000AE8329BFD4697D9EC37");
        assert_int_equal(s->parts[0].tpdu_len, 22);
}

static void test_sms_encode_submit_options(void **state) {
        _cleanup_submit_ SmsSubmit *s = NULL;
        SmsSubmitOptions o = {
                .has_class = true,
                .msg_class = 0,
                .smsc = "+15555550100",
                .mr = 7,
                .reject_duplicates = true,
                .validity_minutes = 60,
        };
        assert_int_equal(sms_encode_submit("+15555550123", "Flash ж", strlen("Flash ж"), &o, &s), 0);
        assert_int_equal(s->encoding, SMS_ENCODING_UCS2);
        assert_int_equal(s->dcs, 0x18);
        /* SMSC prefix: 07 91 5155550501F0. */
        assert_true(strncmp(s->parts[0].hex, "07915155550501F0", 16) == 0);
        assert_int_equal(s->parts[0].tpdu_len, strlen(s->parts[0].hex) / 2 - 8);
        const char *reason = NULL;
        assert_int_equal(sms_pdu_decode_hex(s->parts[0].hex, strlen(s->parts[0].hex), true, &part, &reason), 0);
        assert_int_equal(part.type, SMS_TYPE_SUBMIT);
        assert_string_equal(part.smsc.number, "+15555550100");
        assert_string_equal(part.address.number, "+15555550123");
        assert_int_equal(part.address.toa, 0x91);
        assert_int_equal(part.mr, 7);
        assert_true(part.reject_duplicates);
        assert_false(part.status_report);
        assert_int_equal(part.vp_format, SMS_VP_RELATIVE);
        assert_int_equal(part.vp_minutes, 60);
        assert_int_equal(part.dcs.msg_class, 0);
        assert_string_equal(part.text, "Flash ж");
        s = sms_submit_free(s);

        /* 8-bit on request: bytes as they are, class 1. */
        o = (SmsSubmitOptions){.encoding = SMS_CHOOSE_8BIT, .has_class = true, .msg_class = 1};
        assert_int_equal(sms_encode_submit("+15555550123", "\x00\xff\x80", 3, &o, &s), 0);
        assert_int_equal(s->dcs, 0x15);
        assert_int_equal(sms_pdu_decode_hex(s->parts[0].hex, strlen(s->parts[0].hex), true, &part, NULL), 0);
        assert_int_equal(part.dcs.encoding, SMS_ENCODING_8BIT);
        assert_int_equal(part.payload_len, 3);
        assert_memory_equal(part.payload, "\x00\xff\x80", 3);
        s = sms_submit_free(s);

        /* Empty text: one empty part. */
        assert_int_equal(sms_encode_submit("+15555550123", "", 0, NULL, &s), 0);
        assert_int_equal(s->n_parts, 1);
        assert_string_equal(s->parts[0].hex, "0001000B915155550521F3000000");
        assert_int_equal(s->parts[0].tpdu_len, 13);
}

static void test_sms_encode_submit_multipart_16bit_ref_and_mr(void **state) {
        _cleanup_submit_ SmsSubmit *s = NULL;
        SmsSubmitOptions o = {.concat_16bit = true, .concat_ref = 0xBEEF, .mr = 254};
        char text[400];
        memset(text, 'x', 304);
        assert_int_equal(sms_encode_submit("+15555550123", text, 304, &o, &s), 0);
        assert_int_equal(s->n_parts, 2); /* 152 per part with a 16-bit reference */
        for (size_t i = 0; i < 2; i++) {
                assert_int_equal(sms_pdu_decode_hex(s->parts[i].hex, strlen(s->parts[i].hex), true, &part, NULL), 0);
                assert_true(part.udhi);
                assert_int_equal(part.udh.concat.ref_bits, 16);
                assert_int_equal(part.udh.concat.ref, 0xBEEF);
                assert_int_equal(part.udh.concat.total, 2);
                assert_int_equal(part.udh.concat.seq, i + 1);
                assert_int_equal(part.udl, 160); /* 8 header septets + 152 */
                assert_int_equal(part.text_len, 152);
                assert_int_equal(part.mr, (uint8_t)(254 + i));
                assert_int_equal(s->parts[i].mr, (uint8_t)(254 + i));
                assert_int_equal(s->parts[i].seq, i + 1);
                assert_int_equal(s->parts[i].tpdu_len, 1 + 1 + 2 + 6 + 1 + 1 + 1 + 140);
        }
}

static void test_sms_encode_submit_refusals(void **state) {
        SmsSubmit *s = NULL;
        static const char *const bad_numbers[] = {"", "+", "12a4", "+123456789012345678901", "12 34", "*100#"};
        for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++)
                assert_int_equal(sms_encode_submit(bad_numbers[i], "x", 1, NULL, &s), -EINVAL);
        assert_int_equal(sms_encode_submit(NULL, "x", 1, NULL, &s), -EINVAL);
        assert_int_equal(sms_encode_submit("+15555550123", "x", 1, &(SmsSubmitOptions){.has_class = true, .msg_class = 4}, &s),
                         -EINVAL);
        assert_int_equal(sms_encode_submit("+15555550123", "x", 1, &(SmsSubmitOptions){.concat_ref = 256}, &s),
                         -EINVAL);
        assert_int_equal(sms_encode_submit("+15555550123", "x", 1, &(SmsSubmitOptions){.smsc = "+1x"}, &s),
                         -EINVAL);
        assert_int_equal(sms_encode_submit("+15555550123", "a\xC3", 2, NULL, &s), -EINVAL);
        assert_int_equal(sms_encode_submit("+15555550123", "smile 😀", strlen("smile 😀"),
                                           &(SmsSubmitOptions){.encoding = SMS_CHOOSE_GSM7}, &s),
                         -EILSEQ);
        char *big = malloc(153 * 255 + 1);
        memset(big, 'a', 153 * 255 + 1);
        assert_int_equal(sms_encode_submit("+15555550123", big, 153 * 255 + 1, NULL, &s), -E2BIG);
        assert_int_equal(sms_encode_submit("+15555550123", big, 153 * 255, NULL, &s), 0);
        assert_int_equal(s->n_parts, 255);
        free(big);
        s = sms_submit_free(s);
        assert_null(s);
}

/* ---- round-trip property over a generated corpus ---- */

static uint32_t rng = 0xC0DEC0DE;
static uint32_t next_rand(void) {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        return rng;
}

static size_t put_cp(char *o, uint32_t cp) {
        if (cp < 0x80) {
                o[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                o[0] = (char)(0xC0 | cp >> 6);
                o[1] = (char)(0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                o[0] = (char)(0xE0 | cp >> 12);
                o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
                o[2] = (char)(0x80 | (cp & 0x3F));
                return 3;
        }
        o[0] = (char)(0xF0 | cp >> 18);
        o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
}

static const uint32_t gsm_basic_cps[] = {
        '@', 0xA3, '$', 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, '\n', 0xD8, 0xF8, '\r', 0xC5, 0xE5,
        0x394, '_', 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xC6, 0xE6, 0xDF, 0xC9,
        ' ', '!', '"', '#', 0xA4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', '0', '5', '9', ':',
        ';', '<', '=', '>', '?', 0xA1, 'A', 'M', 'Z', 0xC4, 0xD6, 0xD1, 0xDC, 0xA7, 0xBF, 'a', 'q', 'z',
        0xE4, 0xF6, 0xF1, 0xFC, 0xE0};
static const uint32_t gsm_ext_cps[] = {'^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC, '\f'};

enum { CAT_BASIC, CAT_EXT, CAT_LATIN1, CAT_CJK, CAT_EMOJI, CAT_COMBINING, _CAT_MAX };

static uint32_t random_cp(int cat) {
        uint8_t tmp[2];
        switch (cat) {
        case CAT_BASIC:
                return gsm_basic_cps[next_rand() % (sizeof(gsm_basic_cps) / sizeof(gsm_basic_cps[0]))];
        case CAT_EXT:
                return gsm_ext_cps[next_rand() % (sizeof(gsm_ext_cps) / sizeof(gsm_ext_cps[0]))];
        case CAT_LATIN1:
                for (;;) {
                        uint32_t cp = 0xA0 + next_rand() % 0x60;
                        if (sms_gsm7_encode_codepoint(cp, tmp) < 0)
                                return cp;
                }
        case CAT_CJK:
                return 0x4E00 + next_rand() % 0x5200;
        case CAT_EMOJI:
                return 0x1F300 + next_rand() % 0x700;
        default:
                return 0x300 + next_rand() % 0x70;
        }
}

/* Profiles: which categories a text draws from. */
static const unsigned profile_mask[] = {
        1u << CAT_BASIC,
        1u << CAT_BASIC | 1u << CAT_EXT,
        1u << CAT_BASIC | 1u << CAT_LATIN1 | 1u << CAT_COMBINING,
        1u << CAT_CJK | 1u << CAT_EMOJI | 1u << CAT_BASIC,
        1u << CAT_EMOJI,
        (1u << _CAT_MAX) - 1,
};

static size_t generate(char *out, size_t n_chars, unsigned mask) {
        size_t o = 0;
        for (size_t i = 0; i < n_chars; i++) {
                int cat;
                do
                        cat = (int)(next_rand() % _CAT_MAX);
                while (!(mask & (1u << cat)));
                o += put_cp(out + o, random_cp(cat));
        }
        return o;
}

static void roundtrip(const char *text, size_t len, const SmsSubmitOptions *o, bool want_gsm7) {
        _cleanup_submit_ SmsSubmit *s = NULL;
        SmsSegmentPlan plan;
        static uint8_t payload[SMS_MAX_PARTS * SMS_SEPTETS_MAX];
        static char joined[4 * 2000 + 1];
        size_t plen = 0, jlen;

        assert_int_equal(sms_segment_plan(text, len, &(SmsSegmentOptions){o->encoding, o->concat_16bit}, &plan), 0);
        assert_int_equal(sms_encode_submit("+15555550123", text, len, o, &s), 0);
        assert_int_equal(s->n_parts, plan.n_parts);
        assert_int_equal(s->encoding, plan.encoding);
        assert_int_equal(s->encoding, want_gsm7 ? SMS_ENCODING_GSM7 : SMS_ENCODING_UCS2);
        for (size_t i = 0; i < s->n_parts; i++) {
                const char *hex = s->parts[i].hex, *reason = NULL;
                int r = sms_pdu_decode_hex(hex, strlen(hex), true, &part, &reason);
                if (r < 0)
                        fail_msg("part %zu: %s", i, reason);
                assert_int_equal(s->parts[i].tpdu_len, strlen(hex) / 2 - 1);
                assert_int_equal(part.type, SMS_TYPE_SUBMIT);
                assert_string_equal(part.address.number, "+15555550123");
                assert_int_equal(part.dcs.encoding, s->encoding);
                assert_int_equal(part.status_report, o->status_report);
                assert_int_equal(part.udh.concat.present, s->n_parts > 1);
                if (s->n_parts > 1) {
                        assert_int_equal(part.udh.concat.ref_bits, o->concat_16bit ? 16 : 8);
                        assert_int_equal(part.udh.concat.ref, o->concat_ref);
                        assert_int_equal(part.udh.concat.total, s->n_parts);
                        assert_int_equal(part.udh.concat.seq, i + 1);
                }
                /* No part ends in half a character: each decodes on its own
                 * to exactly its slice of the input. */
                assert_int_equal(part.text_len, plan.offset[i + 1] - plan.offset[i]);
                assert_memory_equal(part.text, text + plan.offset[i], part.text_len);
                memcpy(payload + plen, part.payload, part.payload_len);
                plen += part.payload_len;
        }
        assert_int_equal(sms_payload_to_utf8(s->encoding, payload, plen, joined, sizeof(joined), &jlen), 0);
        assert_int_equal(jlen, len);
        assert_memory_equal(joined, text, len);
}

static void test_sms_encode_roundtrip_every_length_0_2000(void **state) {
        static char text[4 * 2000 + 1];
        for (size_t n = 0; n <= 2000; n++)
                for (unsigned k = 0; k < (n <= 600 ? 2u : 1u); k++) {
                        unsigned prof = (unsigned)(n + 3 * k) % (sizeof(profile_mask) / sizeof(profile_mask[0]));
                        size_t len = generate(text, n, profile_mask[prof]);
                        bool gsm = prof <= 1 || n == 0;
                        if (!gsm) {
                                /* A random draw may still be all-GSM; the encoder must then pick GSM. */
                                size_t sept;
                                gsm = sms_gsm7_count(text, len, &sept) == 0;
                        }
                        SmsSubmitOptions o = {
                                .concat_16bit = (n + k) % 2,
                                .concat_ref = (uint16_t)((n + k) % 2 ? n * 31 : n % 256),
                                .status_report = n % 3 == 0,
                        };
                        roundtrip(text, len, &o, gsm);
                }
}

static void test_sms_encode_roundtrip_boundaries(void **state) {
        /* Escape / surrogate pairs straddling every part boundary. */
        static char text[8192];
        for (size_t pre = 140; pre <= 160; pre++) {
                size_t o = 0;
                for (size_t i = 0; i < pre; i++)
                        text[o++] = 'a';
                for (size_t i = 0; i < 200; i++)
                        o += put_cp(text + o, 0x20AC);
                roundtrip(text, o, &(SmsSubmitOptions){0}, true);
                roundtrip(text, o, &(SmsSubmitOptions){.concat_16bit = true}, true);
        }
        for (size_t pre = 60; pre <= 72; pre++) {
                size_t o = 0;
                for (size_t i = 0; i < pre; i++)
                        o += put_cp(text + o, 0x436);
                for (size_t i = 0; i < 100; i++)
                        o += put_cp(text + o, 0x1F600 + (uint32_t)i);
                roundtrip(text, o, &(SmsSubmitOptions){0}, false);
                roundtrip(text, o, &(SmsSubmitOptions){.concat_16bit = true}, false);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sms_encode_submit_c14_exact_pdu),
                cmocka_unit_test(test_sms_encode_submit_hellohello_by_hand),
                cmocka_unit_test(test_sms_encode_submit_options),
                cmocka_unit_test(test_sms_encode_submit_multipart_16bit_ref_and_mr),
                cmocka_unit_test(test_sms_encode_submit_refusals),
                cmocka_unit_test(test_sms_encode_roundtrip_every_length_0_2000),
                cmocka_unit_test(test_sms_encode_roundtrip_boundaries),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
