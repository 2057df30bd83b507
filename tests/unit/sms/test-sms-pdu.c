/* Unit tests for sms-pdu: every vector in tests/data/sms/pdu (field cases
 * from shared/reference, hand-built PDUs) decoded and every field
 * asserted; truncation at every length; malformed PDUs; TP-DCS and TP-VP
 * tables; joining payloads across parts (C02, C04). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sms/sms-pdu.h"
#include "sms-test-vec.h"

#define PDU_DIR SMS_TEST_DATA_DIR "/pdu"

static SmsPart part; /* large: keep it off the stack */

static void fmt_hex(const uint8_t *b, size_t n, char *out) {
        out[0] = '\0';
        for (size_t i = 0; i < n; i++)
                sprintf(out + 2 * i, "%02X", b[i]);
}

static void check_field(const Vec *v, const char *key, const char *got) {
        const char *want = vec_get(v, key);
        if (!want) {
                print_error("%s: vector lacks required field '%s'\n", v->name, key);
                fail();
        }
        if (strcmp(want, got) != 0) {
                print_error("%s: field '%s': want '%s', got '%s'\n", v->name, key, want, got);
                fail();
        }
}

static void check_vector(const char *path) {
        Vec v;
        char buf[1024];
        const char *reason = NULL;

        assert_int_equal(vec_load(path, &v), 0);
        const char *hex = vec_get(&v, "pdu");
        const char *has_smsc = vec_get(&v, "has-smsc");
        assert_non_null(hex);
        assert_non_null(has_smsc);

        int r = sms_pdu_decode_hex(hex, strlen(hex), strcmp(has_smsc, "yes") == 0, &part, &reason);
        check_field(&v, "result", r == 0 ? "ok" : r == -EOPNOTSUPP ? "EOPNOTSUPP" : r == -EBADMSG ? "EBADMSG" : "other");
        if (r != 0)
                assert_non_null(reason);
        if (r == -EBADMSG) {
                vec_clear(&v);
                return;
        }

        check_field(&v, "type", sms_type_to_string(part.type));
        if (part.has_smsc)
                check_field(&v, "smsc", part.smsc.number);
        check_field(&v, "address", part.address.number);
        snprintf(buf, sizeof(buf), "0x%02X", part.address.toa);
        check_field(&v, "toa", buf);
        check_field(&v, "alphanumeric", part.address.alphanumeric ? "yes" : "no");
        snprintf(buf, sizeof(buf), "0x%02X", part.pid);
        check_field(&v, "pid", buf);
        snprintf(buf, sizeof(buf), "0x%02X", part.dcs.raw);
        check_field(&v, "dcs", buf);
        check_field(&v, "encoding", sms_encoding_to_string(part.dcs.encoding));
        if (part.dcs.msg_class < 0)
                check_field(&v, "class", "none");
        else {
                snprintf(buf, sizeof(buf), "%d", part.dcs.msg_class);
                check_field(&v, "class", buf);
        }

        if (part.type == SMS_TYPE_DELIVER || part.type == SMS_TYPE_STATUS_REPORT) {
                assert_true(sms_time_format(&part.scts, buf, sizeof(buf)) > 0);
                check_field(&v, "scts", buf);
        }
        if (part.type == SMS_TYPE_SUBMIT || part.type == SMS_TYPE_STATUS_REPORT) {
                snprintf(buf, sizeof(buf), "%u", part.mr);
                check_field(&v, "mr", buf);
        }
        if (part.type == SMS_TYPE_STATUS_REPORT) {
                assert_true(sms_time_format(&part.discharge, buf, sizeof(buf)) > 0);
                check_field(&v, "discharge", buf);
                snprintf(buf, sizeof(buf), "0x%02X", part.status);
                check_field(&v, "status", buf);
                check_field(&v, "category", sms_status_category_to_string(part.status_category));
        } else
                check_field(&v, "status-report", part.status_report ? "yes" : "no");
        if (part.type == SMS_TYPE_SUBMIT) {
                char t[40];
                switch (part.vp_format) {
                case SMS_VP_NONE:
                        snprintf(buf, sizeof(buf), "none");
                        break;
                case SMS_VP_RELATIVE:
                        snprintf(buf, sizeof(buf), "relative:%u", part.vp_minutes);
                        break;
                case SMS_VP_ABSOLUTE:
                        assert_true(sms_time_format(&part.vp_absolute, t, sizeof(t)) > 0);
                        snprintf(buf, sizeof(buf), "absolute:%s", t);
                        break;
                case SMS_VP_ENHANCED:
                        snprintf(buf, sizeof(buf), "enhanced");
                        break;
                }
                check_field(&v, "vp", buf);
        }

        snprintf(buf, sizeof(buf), "%u", part.udl);
        check_field(&v, "udl", buf);
        if (part.udh_len == 0)
                check_field(&v, "udh", "none");
        else {
                fmt_hex(part.ud, part.udh_len, buf);
                check_field(&v, "udh", buf);
        }
        if (!part.udh.concat.present)
                check_field(&v, "concat", "none");
        else {
                snprintf(buf, sizeof(buf), "%u/%u/%u/%u", part.udh.concat.ref, part.udh.concat.ref_bits,
                         part.udh.concat.total, part.udh.concat.seq);
                check_field(&v, "concat", buf);
        }
        if (!part.udh.ports.present)
                check_field(&v, "ports", "none");
        else {
                snprintf(buf, sizeof(buf), "%u/%u/%u", part.udh.ports.dst, part.udh.ports.src, part.udh.ports.bits);
                check_field(&v, "ports", buf);
        }
        fmt_hex(part.payload, part.payload_len, buf);
        check_field(&v, "payload", buf);

        assert_int_equal(strlen(part.text), part.text_len);
        if (vec_get(&v, "text-hex")) {
                fmt_hex((const uint8_t *)part.text, part.text_len, buf);
                check_field(&v, "text-hex", buf);
        } else
                check_field(&v, "text", part.text);
        assert_int_equal(part.trailing_octets, 0);
        vec_clear(&v);
}

static void test_sms_pdu_decode_vectors(void **state) {
        char **names = NULL;
        size_t n = vec_list(PDU_DIR, ".vec", &names);

        assert_true(n >= 40);
        for (size_t i = 0; i < n; i++) {
                check_vector(names[i]);
                free(names[i]);
        }
        free(names);
}

/* Every strict prefix of a DELIVER or SUBMIT is malformed, never a guess. */
static void test_sms_pdu_decode_truncated_everywhere(void **state) {
        char **names = NULL;
        size_t n = vec_list(PDU_DIR, ".vec", &names);
        uint8_t pdu[SMS_PDU_MAX];

        for (size_t i = 0; i < n; i++) {
                Vec v;
                assert_int_equal(vec_load(names[i], &v), 0);
                int len = vec_unhex(vec_get(&v, "pdu"), pdu, sizeof(pdu));
                bool smsc = strcmp(vec_get(&v, "has-smsc"), "yes") == 0;
                bool report = strcmp(vec_get(&v, "type"), "status-report") == 0;
                assert_true(len > 0);
                for (int l = 0; l < len; l++) {
                        const char *reason = NULL;
                        int r = sms_pdu_decode(pdu, (size_t)l, smsc, &part, &reason);
                        if (report && r == 0)
                                continue; /* a report may legitimately end after TP-ST */
                        if (r != -EBADMSG) {
                                print_error("%s: prefix of %d octets gave %d\n", v.name, l, r);
                                fail();
                        }
                        assert_non_null(reason);
                }
                vec_clear(&v);
                free(names[i]);
        }
        free(names);
}

static void expect_bad(const char *hex, bool smsc, const char *reason_part) {
        const char *reason = NULL;
        int r = sms_pdu_decode_hex(hex, strlen(hex), smsc, &part, &reason);
        if (r != -EBADMSG || !reason || !strstr(reason, reason_part)) {
                print_error("%s: got %d '%s', want EBADMSG '%s'\n", hex, r, reason ? reason : "(null)", reason_part);
                fail();
        }
}

static void test_sms_pdu_decode_malformed(void **state) {
        /* UDL 161 septets. */
        expect_bad("00040B915155550521F3000042305101030040A1", true, "160 septets");
        /* UCS2 UDL 141 octets. */
        expect_bad("00040B915155550521F3000842305101030040" "8D", true, "140 octets");
        /* UD shorter than UDL (UDL 5, 2 octets). */
        expect_bad("00040B915155550521F300004230510103004005C834", true, "shorter than TP-UDL");
        /* UDHI with UDHL 9 in a 4-octet UD. */
        expect_bad("00440B915155550521F3000442305101030040040900030101", true, "longer than the user data");
        /* Concatenation seq 0, total 0, seq > total. */
        expect_bad("00440B915155550521F300044230510103004006050003070100", true, "sequence is 0");
        expect_bad("00440B915155550521F300044230510103004006050003070001", true, "total is 0");
        expect_bad("00440B915155550521F300044230510103004006050003070203", true, "beyond total");
        /* Concatenation IE of length 2. */
        expect_bad("00440B915155550521F3000442305101030040050400020701", true, "wrong length");
        /* IE running past the header. */
        expect_bad("00440B915155550521F30004423051010300400403700501", true, "longer than the header");
        /* Address of 21 digits. */
        expect_bad("0004159151555505215555555555F0000042305101030040", true, "20 semi-octets");
        /* Filler F inside the number. */
        expect_bad("00040B91F15555550521F3000042305101030040" "00", true, "filler");
        /* Month 13 and a non-BCD digit in the time stamp. */
        expect_bad("00040B915155550521F3000042315101030040" "00", true, "out of range");
        expect_bad("00040B915155550521F300004A305101030040" "00", true, "not BCD");
        /* SMSC longer than 11 octets and longer than the PDU. */
        expect_bad("0C9151555505010000000000000000", true, "longer than 11");
        expect_bad("079151", true, "longer than the PDU");
        /* 7-bit, UDL 7 = 7 octets, all header (UDHL 6): the header is 8 septets. */
        expect_bad("00440B915155550521F3000042305101030040" "0706080412340201", true, "TP-UDL septets");
        /* Status report whose TP-PI announces a DCS that is not there. */
        expect_bad("0006400B915155550551F042109071838422421090718325220002", true, "TP-DCS announced");
        /* Longer than any PDU. */
        char big[2 * SMS_PDU_MAX + 3];
        memset(big, '0', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        expect_bad(big, true, "longer than any valid");
}

static void test_sms_pdu_decode_hex_rejects_non_hex(void **state) {
        const char *reason = NULL;
        assert_int_equal(sms_pdu_decode_hex("0G", 2, true, &part, &reason), -EINVAL);
        assert_non_null(reason);
        assert_int_equal(sms_pdu_decode_hex("000", 3, true, &part, &reason), -EINVAL);
        assert_int_equal(sms_pdu_decode(NULL, 0, true, &part, NULL), -EINVAL);
}

static void test_sms_pdu_decode_reserved_mti_as_deliver(void **state) {
        /* 23.040 9.2.3.1: TP-MTI 11 is processed as SMS-DELIVER. */
        const char *hex = "00070B915155550521F30000423051010300400141";
        assert_int_equal(sms_pdu_decode_hex(hex, strlen(hex), true, &part, NULL), 0);
        assert_int_equal(part.type, SMS_TYPE_DELIVER);
        assert_string_equal(part.text, "A");
        assert_int_equal(part.first_octet, 0x07);
}

static void test_sms_pdu_decode_trailing_octets_counted(void **state) {
        const char *hex = "00040B915155550521F30000423051010300400141FFFF";
        assert_int_equal(sms_pdu_decode_hex(hex, strlen(hex), true, &part, NULL), 0);
        assert_string_equal(part.text, "A");
        assert_int_equal(part.trailing_octets, 2);
}

static void test_sms_pdu_decode_national_shift_unsupported(void **state) {
        /* UDH with a national language single shift IE (Turkish, 0x01). */
        const char *reason = NULL;
        const char *hex = "00440B915155550521F30000423051010300400503240101C4";
        assert_int_equal(sms_pdu_decode_hex(hex, strlen(hex), true, &part, &reason), -EOPNOTSUPP);
        assert_non_null(strstr(reason, "national language"));
        assert_string_equal(part.address.number, "+15555550123");
        assert_int_equal(part.udh.national_single_shift, 1);
        assert_int_equal(part.text_len, 0);
        assert_int_equal(part.ud_len, 5);
}

static void join_and_check(const char *const *paths, size_t n, const char *want) {
        uint8_t payload[4 * SMS_SEPTETS_MAX];
        size_t len = 0;
        SmsEncoding enc = SMS_ENCODING_GSM7;
        char text[1024];
        size_t text_len;

        for (size_t i = 0; i < n; i++) {
                Vec v;
                char path[512];
                snprintf(path, sizeof(path), "%s/%s", PDU_DIR, paths[i]);
                assert_int_equal(vec_load(path, &v), 0);
                const char *hex = vec_get(&v, "pdu");
                assert_int_equal(sms_pdu_decode_hex(hex, strlen(hex), true, &part, NULL), 0);
                assert_int_equal(part.udh.concat.seq, i + 1);
                memcpy(payload + len, part.payload, part.payload_len);
                len += part.payload_len;
                enc = part.dcs.encoding;
                vec_clear(&v);
        }
        assert_int_equal(sms_payload_to_utf8(enc, payload, len, text, sizeof(text), &text_len), 0);
        assert_string_equal(text, want);
        assert_int_equal(strlen(want), text_len);
}

static void test_sms_pdu_join_c04_surrogate_split(void **state) {
        const char *const parts[] = {"c04-rilmodem-ofono-77-part1.vec", "c04-rilmodem-ofono-77-part2.vec"};
        join_and_check(parts, 2,
                       "Weekend plan: hike at nine, lunch by the lake, then back before da\U0001F631 see you there "
                       "\U0001F600 ok");
}

static void test_sms_pdu_join_c02_seq_order(void **state) {
        const char *const parts[] = {"c02-ubports-ofono-21-part1.vec", "c02-ubports-ofono-21-part2.vec",
                                     "c02-ubports-ofono-21-part3.vec"};
        join_and_check(parts, 3,
                       "Maintenance notice part one: the north gate will be closed on Monday from 08:00 to 12:00 "
                       "while the barrier motor is replaced. Deliveries should use the south entrance during that "
                       "window. Part two: parking level B is reserved for visitors all week; staff badges will not "
                       "open it. Part three: the cafeteria closes early on Friday at 14:00. Thank you for your "
                       "patience.");
}

static void test_sms_payload_to_utf8_8bit_is_not_text(void **state) {
        char out[8];
        size_t l;
        assert_int_equal(sms_payload_to_utf8(SMS_ENCODING_8BIT, (const uint8_t *)"a", 1, out, sizeof(out), &l),
                         -EMEDIUMTYPE);
}

static void test_sms_time_to_epoch_usec_with_offsets(void **state) {
        uint64_t us;
        /* C01: 2024-03-15T10:30:00+01:00 = 09:30 UTC. */
        SmsTime t = {2024, 3, 15, 10, 30, 0, 4};
        assert_int_equal(sms_time_to_epoch_usec(&t, &us), 0);
        assert_int_equal(us, UINT64_C(1710495000) * 1000000);
        /* -05:00 pushes past midnight into the next month: 2025-12-01T04:59:58Z. */
        t = (SmsTime){2025, 11, 30, 23, 59, 58, -20};
        assert_int_equal(sms_time_to_epoch_usec(&t, &us), 0);
        assert_int_equal(us, UINT64_C(1764565198) * 1000000);
        /* +05:30 (C14). */
        t = (SmsTime){2024, 1, 9, 17, 38, 48, 22};
        assert_int_equal(sms_time_to_epoch_usec(&t, &us), 0);
        assert_int_equal(us, UINT64_C(1704802128) * 1000000);
        t = (SmsTime){1970, 1, 1, 0, 0, 0, 4};
        assert_int_equal(sms_time_to_epoch_usec(&t, &us), -ERANGE);
        t = (SmsTime){2024, 13, 1, 0, 0, 0, 0};
        assert_int_equal(sms_time_to_epoch_usec(&t, &us), -EINVAL);
}

static void test_sms_dcs_decode_groups(void **state) {
        SmsDcs d;
        sms_dcs_decode(0x00, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_GSM7);
        assert_int_equal(d.msg_class, -1);
        sms_dcs_decode(0x08, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_UCS2);
        sms_dcs_decode(0x04, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_8BIT);
        sms_dcs_decode(0x0C, &d); /* reserved alphabet: GSM 7-bit */
        assert_int_equal(d.encoding, SMS_ENCODING_GSM7);
        sms_dcs_decode(0x18, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_UCS2);
        assert_int_equal(d.msg_class, 0);
        sms_dcs_decode(0x03, &d); /* class bits without bit 4: no class */
        assert_int_equal(d.msg_class, -1);
        sms_dcs_decode(0x20, &d);
        assert_true(d.compressed);
        sms_dcs_decode(0x4A, &d); /* automatic deletion group, UCS2, class 2 */
        assert_true(d.auto_delete);
        assert_int_equal(d.encoding, SMS_ENCODING_UCS2);
        assert_int_equal(d.msg_class, -1);
        sms_dcs_decode(0x5A, &d);
        assert_int_equal(d.msg_class, 2);
        sms_dcs_decode(0xC8, &d);
        assert_true(d.mwi && d.mwi_discard && d.mwi_active);
        assert_int_equal(d.mwi_kind, SMS_MWI_VOICEMAIL);
        sms_dcs_decode(0xD1, &d);
        assert_true(d.mwi && !d.mwi_discard && !d.mwi_active);
        assert_int_equal(d.mwi_kind, SMS_MWI_FAX);
        assert_int_equal(d.encoding, SMS_ENCODING_GSM7);
        sms_dcs_decode(0xEB, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_UCS2);
        assert_int_equal(d.mwi_kind, SMS_MWI_OTHER);
        sms_dcs_decode(0xF6, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_8BIT);
        assert_int_equal(d.msg_class, 2);
        sms_dcs_decode(0x80, &d); /* reserved group */
        assert_int_equal(d.encoding, SMS_ENCODING_GSM7);
        assert_false(d.mwi);
}

static void test_sms_vp_relative_mapping(void **state) {
        uint8_t vp;
        assert_int_equal(sms_vp_relative_to_minutes(0), 5);
        assert_int_equal(sms_vp_relative_to_minutes(143), 720);
        assert_int_equal(sms_vp_relative_to_minutes(144), 750);
        assert_int_equal(sms_vp_relative_to_minutes(167), 1440);
        assert_int_equal(sms_vp_relative_to_minutes(168), 2880);
        assert_int_equal(sms_vp_relative_to_minutes(196), 30 * 1440);
        assert_int_equal(sms_vp_relative_to_minutes(197), 5 * 7 * 1440);
        assert_int_equal(sms_vp_relative_to_minutes(255), 63 * 7 * 1440);
        assert_int_equal(sms_vp_relative_from_minutes(0, &vp), -EINVAL);
        assert_int_equal(sms_vp_relative_from_minutes(1, &vp), 0);
        assert_int_equal(vp, 0);
        assert_int_equal(sms_vp_relative_from_minutes(6, &vp), 0);
        assert_int_equal(vp, 1);
        assert_int_equal(sms_vp_relative_from_minutes(1440, &vp), 0);
        assert_int_equal(vp, 167);
        assert_int_equal(sms_vp_relative_from_minutes(1441, &vp), 0);
        assert_int_equal(vp, 168);
        assert_int_equal(sms_vp_relative_from_minutes(10080, &vp), 0);
        assert_int_equal(vp, 173);
        assert_int_equal(sms_vp_relative_from_minutes(UINT32_MAX, &vp), 0);
        assert_int_equal(vp, 255);
        for (unsigned v = 0; v < 256; v++) {
                assert_int_equal(sms_vp_relative_from_minutes(sms_vp_relative_to_minutes((uint8_t)v), &vp), 0);
                assert_int_equal(vp, v); /* strictly increasing: exact round trip */
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sms_pdu_decode_vectors),
                cmocka_unit_test(test_sms_pdu_decode_truncated_everywhere),
                cmocka_unit_test(test_sms_pdu_decode_malformed),
                cmocka_unit_test(test_sms_pdu_decode_hex_rejects_non_hex),
                cmocka_unit_test(test_sms_pdu_decode_reserved_mti_as_deliver),
                cmocka_unit_test(test_sms_pdu_decode_trailing_octets_counted),
                cmocka_unit_test(test_sms_pdu_decode_national_shift_unsupported),
                cmocka_unit_test(test_sms_pdu_join_c04_surrogate_split),
                cmocka_unit_test(test_sms_pdu_join_c02_seq_order),
                cmocka_unit_test(test_sms_payload_to_utf8_8bit_is_not_text),
                cmocka_unit_test(test_sms_time_to_epoch_usec_with_offsets),
                cmocka_unit_test(test_sms_dcs_decode_groups),
                cmocka_unit_test(test_sms_vp_relative_mapping),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
