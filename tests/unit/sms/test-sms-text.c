/* Unit tests for sms-text and sms-ussd: PDU- and text-mode headers of
 * +CMGR/+CMGL/+CMT/+CDS (field cases C07, C14, C17), quote-aware fields,
 * time stamps, bodies by <dcs> and +CSCS, +CUSD by its <dcs> (C21). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "sms/sms-pdu.h"
#include "sms/sms-text.h"
#include "sms/sms-ussd.h"
#include "sms-test-vec.h"

static SmsTextHeader h;
static SmsPart part;

static int parse(const char *line, SmsCharset cs) {
        const char *reason = NULL;
        int r = sms_text_parse_header(line, strlen(line), cs, &h, &reason);
        if (r < 0)
                assert_non_null(reason);
        return r;
}

static void assert_time(const SmsTime *t, const char *rfc3339) {
        char buf[32];
        assert_true(sms_time_format(t, buf, sizeof(buf)) > 0);
        assert_string_equal(buf, rfc3339);
}

static void test_sms_text_split_fields_quotes_and_empties(void **state) {
        SmsTextField f[8];
        size_t n;
        const char *s = " 0,\"Doe, John\",,\"\" , 25 ";
        assert_int_equal(sms_text_split_fields(s, strlen(s), f, 8, &n), 0);
        assert_int_equal(n, 5);
        assert_int_equal(f[0].len, 1);
        assert_false(f[0].quoted);
        assert_int_equal(f[1].len, 9);
        assert_memory_equal(f[1].value, "Doe, John", 9);
        assert_true(f[1].quoted);
        assert_int_equal(f[2].len, 0);
        assert_false(f[2].quoted);
        assert_int_equal(f[3].len, 0);
        assert_true(f[3].quoted);
        assert_memory_equal(f[4].value, "25", 2);
        assert_int_equal(f[4].len, 2);
        assert_int_equal(sms_text_split_fields("\"abc", 4, f, 8, &n), -EBADMSG);
        assert_int_equal(sms_text_split_fields("\"a\"b", 4, f, 8, &n), -EBADMSG);
        assert_int_equal(sms_text_split_fields("a\"b\"", 4, f, 8, &n), -EBADMSG);
        assert_int_equal(sms_text_split_fields("1,2,3", 5, f, 2, &n), -E2BIG);
        assert_int_equal(sms_text_split_fields("1,", 2, f, 8, &n), 0);
        assert_int_equal(n, 2);
}

/* Field case C17: every <alpha> form, an empty <stat>; the PDU's TPDU
 * length matches <length>. */
static void test_sms_text_parse_header_c17_pdu_mode_variants(void **state) {
        const char *pdu = "07915155550501F0040B915155550521F3000051907051529121065474D8BD9E03";
        size_t tl;

        assert_int_equal(parse("+CMGR: 0,\"\",25", SMS_CHARSET_IRA), 0);
        assert_int_equal(h.kind, SMS_TEXT_CMGR);
        assert_true(h.pdu_mode);
        assert_int_equal(h.stat, 0);
        assert_string_equal(h.alpha, "");
        assert_int_equal(h.length, 25);
        assert_int_equal(h.index, -1);
        assert_int_equal(sms_pdu_hex_tpdu_length(pdu, strlen(pdu), &tl), 0);
        assert_int_equal(tl, (size_t)h.length);
        assert_int_equal(sms_pdu_decode_hex(pdu, strlen(pdu), true, &part, NULL), 0);
        assert_string_equal(part.address.number, "+15555550123");
        assert_string_equal(part.text, "Thanks");

        assert_int_equal(parse("+CMGR: 0,,25", SMS_CHARSET_IRA), 0);
        assert_true(h.pdu_mode);
        assert_int_equal(h.stat, 0);
        assert_int_equal(h.length, 25);
        assert_int_equal(parse("+CMGR: ,,26\r\n", SMS_CHARSET_IRA), 0);
        assert_int_equal(h.stat, -1);
        assert_int_equal(h.length, 26);
        assert_int_equal(parse("+CMGL: 1,1,,29", SMS_CHARSET_IRA), 0);
        assert_int_equal(h.kind, SMS_TEXT_CMGL);
        assert_true(h.pdu_mode);
        assert_int_equal(h.index, 1);
        assert_int_equal(h.stat, 1);
        assert_int_equal(h.length, 29);
        assert_int_equal(parse("+CMGR: 1,\"Doe, John\",40", SMS_CHARSET_IRA), 0);
        assert_string_equal(h.alpha, "Doe, John");
        assert_int_equal(parse("+CMT: ,25", SMS_CHARSET_IRA), 0);
        assert_true(h.pdu_mode);
        assert_int_equal(h.kind, SMS_TEXT_CMT);
        assert_int_equal(h.length, 25);
        assert_int_equal(parse("+CMT: \"\",25", SMS_CHARSET_IRA), 0);
        assert_int_equal(h.length, 25);
        assert_int_equal(parse("+CDS: 25", SMS_CHARSET_IRA), 0);
        assert_true(h.pdu_mode);
        assert_int_equal(h.kind, SMS_TEXT_CDS);
        assert_int_equal(h.length, 25);
        assert_int_equal(sms_pdu_hex_tpdu_length("079151", 6, &tl), -EBADMSG);
}

/* Field case C07: text mode, UCS2 body announced by <dcs> 8 under +CSCS "GSM". */
static void test_sms_text_parse_header_c07_text_mode_ucs2_body(void **state) {
        const char *line = "+CMGR: \"REC UNREAD\",\"+15555550142\",,\"24/03/15,10:30:00+04\",145,4,0,8,"
                           "\"+15555550100\",145,46";
        const char *body = "041F0440043804320435044200210020041204410442044004350447043000200432002000310035003A00300030";
        char out[256];
        size_t len;

        assert_int_equal(parse(line, SMS_CHARSET_GSM), 0);
        assert_false(h.pdu_mode);
        assert_int_equal(h.type, SMS_TYPE_DELIVER);
        assert_int_equal(h.stat, 0);
        assert_string_equal(h.address.number, "+15555550142");
        assert_int_equal(h.address.toa, 145);
        assert_false(h.address.alphanumeric);
        assert_string_equal(h.alpha, "");
        assert_true(h.has_scts);
        assert_time(&h.scts, "2024-03-15T10:30:00+01:00");
        assert_int_equal(h.fo, 4);
        assert_int_equal(h.pid, 0);
        assert_int_equal(h.dcs, 8);
        assert_string_equal(h.sca.number, "+15555550100");
        assert_int_equal(h.sca.toa, 145);
        assert_int_equal(h.length, 46);
        assert_int_equal(sms_text_decode_body(&h, SMS_CHARSET_GSM, body, strlen(body), out, sizeof(out), &len), 0);
        assert_string_equal(out, "Привет! Встреча в 15:00");
        assert_int_equal(len, strlen("Привет! Встреча в 15:00"));
        /* The same header under +CSCS "UCS2": strings are hex. */
        line = "+CMGR: \"REC UNREAD\",\"002B00310035003500350035003500350030003100340032\",\"\",\"24/03/15,10:30:00+04\"";
        assert_int_equal(parse(line, SMS_CHARSET_UCS2), 0);
        assert_string_equal(h.address.number, "+15555550142");
        assert_int_equal(h.dcs, -1);
        assert_int_equal(h.length, -1);
}

/* Field case C14 in text mode: +CDS and a stored report read with +CMGR/+CMGL. */
static void test_sms_text_parse_header_c14_status_reports(void **state) {
        assert_int_equal(parse("+CDS: 6,64,\"+15555550150\",145,\"24/01/09,17:38:48+22\",\"24/01/09,17:38:52+22\",0",
                               SMS_CHARSET_IRA),
                         0);
        assert_false(h.pdu_mode);
        assert_int_equal(h.type, SMS_TYPE_STATUS_REPORT);
        assert_int_equal(h.fo, 6);
        assert_int_equal(h.mr, 64);
        assert_string_equal(h.address.number, "+15555550150");
        assert_int_equal(h.address.toa, 145);
        assert_time(&h.scts, "2024-01-09T17:38:48+05:30");
        assert_time(&h.discharge, "2024-01-09T17:38:52+05:30");
        assert_int_equal(h.st, 0);
        assert_int_equal(h.status_category, SMS_STATUS_DELIVERED);

        assert_int_equal(parse("+CMGR: \"REC READ\",6,65,\"15555550150\",145,\"24/01/09,17:38:48+22\","
                               "\"24/01/10,01:39:42+22\",70",
                               SMS_CHARSET_IRA),
                         0);
        assert_int_equal(h.type, SMS_TYPE_STATUS_REPORT);
        assert_int_equal(h.stat, 1);
        assert_int_equal(h.mr, 65);
        assert_string_equal(h.address.number, "+15555550150"); /* 145 without '+' normalised */
        assert_int_equal(h.st, 0x46);
        assert_int_equal(h.status_category, SMS_STATUS_FAILED);

        assert_int_equal(parse("+CMGL: 3,\"REC UNREAD\",6,66,,,\"24/01/09,17:38:48+22\",\"24/01/09,17:38:48+22\",32",
                               SMS_CHARSET_IRA),
                         0);
        assert_int_equal(h.index, 3);
        assert_int_equal(h.type, SMS_TYPE_STATUS_REPORT);
        assert_string_equal(h.address.number, "");
        assert_int_equal(h.status_category, SMS_STATUS_PENDING);
}

static void test_sms_text_parse_header_text_mode_forms(void **state) {
        assert_int_equal(parse("+CMGL: 2,\"REC READ\",\"+15555550123\",,\"24/03/15,10:30:00-08\",145,12",
                               SMS_CHARSET_IRA),
                         0);
        assert_int_equal(h.index, 2);
        assert_int_equal(h.stat, 1);
        assert_int_equal(h.type, SMS_TYPE_DELIVER);
        assert_time(&h.scts, "2024-03-15T10:30:00-02:00");
        assert_int_equal(h.address.toa, 145);
        assert_int_equal(h.length, 12);

        assert_int_equal(parse("+CMGL: 4,\"STO UNSENT\",\"+15555550123\",,", SMS_CHARSET_IRA), 0);
        assert_int_equal(h.type, SMS_TYPE_SUBMIT);
        assert_false(h.has_scts);

        assert_int_equal(parse("+CMT: \"+15555550123\",\"\",\"24/03/15,10:30:00+04\",145,4,0,0,\"+15555550100\",145,5",
                               SMS_CHARSET_IRA),
                         0);
        assert_int_equal(h.kind, SMS_TEXT_CMT);
        assert_false(h.pdu_mode);
        assert_int_equal(h.fo, 4);
        assert_int_equal(h.dcs, 0);
        assert_int_equal(h.length, 5);

        assert_int_equal(parse("+CMT: \"InfoSvc\",,\"24/03/15,10:30:00+04\",208,4,0,0,\"+15555550100\",145,5",
                               SMS_CHARSET_IRA),
                         0);
        assert_string_equal(h.address.number, "InfoSvc");
        assert_true(h.address.alphanumeric);
        assert_int_equal(h.address.toa, 208);

        assert_int_equal(parse("+CMGR: \"STO SENT\",\"+15555550150\",,145,17,0,0,167,\"+15555550100\",145,2",
                               SMS_CHARSET_IRA),
                         0);
        assert_int_equal(h.type, SMS_TYPE_SUBMIT);
        assert_int_equal(h.fo, 17);
        assert_int_equal(h.length, 2);
        assert_string_equal(h.sca.number, "+15555550100");
}

static void test_sms_text_parse_header_malformed(void **state) {
        assert_int_equal(parse("+CMGR: \"REC FOO\",\"+1\",,\"24/03/15,10:30:00+04\"", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CMGR: 0,\"abc", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CMGR: 0,,x", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CMGR: 0,,", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CMGR: 7,,25", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CMGR: 0,1,2,3", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CMGR: \"REC READ\",\"+1\",,\"24/13/15,10:30:00+04\"", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CMGL: ,1,,29", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CMT: 1,2,3,4", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CDS: 1,2", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CDS: ", SMS_CHARSET_IRA), -EBADMSG);
        assert_int_equal(parse("+CMTI: \"SM\",1", SMS_CHARSET_IRA), -EINVAL);
        assert_int_equal(parse("", SMS_CHARSET_IRA), -EINVAL);
}

static void test_sms_text_parse_time_forms(void **state) {
        SmsTime t;
        assert_int_equal(sms_text_parse_time("24/03/15,10:30:00+04", 20, &t), 0);
        assert_time(&t, "2024-03-15T10:30:00+01:00");
        assert_int_equal(sms_text_parse_time("24/03/15,10:30:00-08", 20, &t), 0);
        assert_int_equal(t.tz_quarter_hours, -8);
        assert_int_equal(sms_text_parse_time("24/03/15,10:30:00", 17, &t), 0);
        assert_int_equal(t.tz_quarter_hours, 0);
        assert_int_equal(sms_text_parse_time("2024/03/15,10:30:00+4", 21, &t), 0);
        assert_int_equal(t.year, 2024);
        assert_int_equal(t.tz_quarter_hours, 4);
        assert_int_equal(sms_text_parse_time("99/12/31,23:59:59+00", 20, &t), 0);
        assert_int_equal(t.year, 1999);
        assert_int_equal(sms_text_parse_time("24/03/15 10:30:00+04", 20, &t), -EBADMSG);
        assert_int_equal(sms_text_parse_time("24/03/15,10:30:00+", 18, &t), -EBADMSG);
        assert_int_equal(sms_text_parse_time("24/03/15,10:30:00+123", 21, &t), -EBADMSG);
        assert_int_equal(sms_text_parse_time("24/03/15,24:00:00", 17, &t), -EBADMSG);
        assert_int_equal(sms_text_parse_time("24/3/15,10:30:00", 16, &t), -EBADMSG);
        assert_int_equal(sms_text_parse_time("", 0, &t), -EBADMSG);
}

static void test_sms_text_decode_body_by_charset(void **state) {
        char out[128];
        size_t len;
        SmsCharset cs;

        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_IRA, "Hello\r\n", 7, out, sizeof(out), &len), 0);
        assert_string_equal(out, "Hello");
        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_IRA, "caf\xc3\xa9", 5, out, sizeof(out), &len), -EBADMSG);
        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_8859_1, "caf\xe9", 4, out, sizeof(out), &len), 0);
        assert_string_equal(out, "café");
        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_UTF8, "caf\xc3\xa9", 5, out, sizeof(out), &len), 0);
        assert_string_equal(out, "café");
        /* "GSM": bytes are default-alphabet codes: 0x00 '@', 0x02 '$', ESC e '€'. */
        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_GSM, "\x00\x02\x1b\x65", 4, out, sizeof(out), &len), 0);
        assert_string_equal(out, "@$€");
        /* "HEX": hex of the GSM codes (field case C07's second form). */
        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_HEX, "0048656C6C6F", 12, out, sizeof(out), &len), 0);
        assert_string_equal(out, "@Hello");
        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_HEX, "0G", 2, out, sizeof(out), &len), -EBADMSG);
        /* "UCS2" without a <dcs>. */
        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_UCS2, "00410436D83DDE00", 16, out, sizeof(out), &len), 0);
        assert_string_equal(out, "Aж😀");
        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_UCS2, "004", 3, out, sizeof(out), &len), -EBADMSG);
        /* <dcs> 8-bit: data, not text; <dcs> UCS2 with UDHI: the header is skipped. */
        SmsTextHeader hh = {.dcs = 4, .fo = 4};
        assert_int_equal(sms_text_decode_body(&hh, SMS_CHARSET_IRA, "00FF", 4, out, sizeof(out), &len), -EMEDIUMTYPE);
        hh = (SmsTextHeader){.dcs = 8, .fo = 0x44};
        assert_int_equal(sms_text_decode_body(&hh, SMS_CHARSET_IRA, "050003070201004F004B", 20, out, sizeof(out), &len), 0);
        assert_string_equal(out, "OK");
        hh = (SmsTextHeader){.dcs = 0, .fo = 0x44};
        assert_int_equal(sms_text_decode_body(&hh, SMS_CHARSET_IRA, "abc", 3, out, sizeof(out), &len), -EOPNOTSUPP);
        assert_int_equal(sms_text_decode_body(NULL, SMS_CHARSET_IRA, "Hello", 5, out, 5, &len), -ENOBUFS);

        assert_int_equal(sms_charset_from_string("ucs2", &cs), 0);
        assert_int_equal(cs, SMS_CHARSET_UCS2);
        assert_int_equal(sms_charset_from_string("8859-1", &cs), 0);
        assert_int_equal(cs, SMS_CHARSET_8859_1);
        assert_int_equal(sms_charset_from_string("PCCP437", &cs), -EINVAL);
        assert_string_equal(sms_charset_to_string(SMS_CHARSET_HEX), "HEX");
}

/* Field case C21: +CUSD with DCS 72 (0x48, UCS2) on a Huawei stick. */
static void test_sms_ussd_c21_ucs2_dcs72(void **state) {
        const char *line = "+CUSD: 0,\"04110430043B0430043D0441003A003100300030002C003000300440\",72";
        SmsUssdReply r;
        char out[SMS_USSD_TEXT_MAX];
        size_t len;

        assert_int_equal(sms_ussd_parse_cusd(line, strlen(line), &r, NULL), 0);
        assert_int_equal(r.status, 0);
        assert_int_equal(r.dcs, 72);
        assert_int_equal(r.str_len, 56);
        assert_int_equal(sms_ussd_decode(r.str, r.str_len, (uint8_t)r.dcs, SMS_USSD_FORM_AUTO, out, sizeof(out), &len), 0);
        assert_string_equal(out, "Баланс:100,00р");
        assert_int_equal(sms_ussd_decode(r.str, r.str_len, (uint8_t)r.dcs, SMS_USSD_FORM_PACKED_HEX, out, sizeof(out),
                                         &len),
                         0);
        assert_string_equal(out, "Баланс:100,00р");
}

static void test_sms_ussd_gsm7_packed_and_plain(void **state) {
        char hex[400], out[SMS_USSD_TEXT_MAX];
        size_t len;
        /* C21's request: "*100#" packed with dcs 15. */
        assert_int_equal(sms_ussd_encode_packed_hex("*100#", 5, hex, sizeof(hex), &len), 0);
        assert_string_equal(hex, "AA180C3602");
        assert_int_equal(sms_ussd_decode(hex, len, 15, SMS_USSD_FORM_PACKED_HEX, out, sizeof(out), &len), 0);
        assert_string_equal(out, "*100#");
        /* Plain text replies (the modem decoded them): dcs 15 and 0. */
        assert_int_equal(sms_ussd_decode("Your balance is 5.00", 20, 15, SMS_USSD_FORM_AUTO, out, sizeof(out), &len), 0);
        assert_string_equal(out, "Your balance is 5.00");
        assert_int_equal(sms_ussd_decode("1234", 4, 0, SMS_USSD_FORM_TEXT, out, sizeof(out), &len), 0);
        assert_string_equal(out, "1234");
        /* 7 characters: 7 spare bits padded with CR, dropped again. */
        assert_int_equal(sms_ussd_encode_packed_hex("1234567", 7, hex, sizeof(hex), &len), 0);
        assert_int_equal(len, 14);
        assert_int_equal(sms_ussd_decode(hex, len, 15, SMS_USSD_FORM_PACKED_HEX, out, sizeof(out), &len), 0);
        assert_string_equal(out, "1234567");
        /* 8 characters ending in a wanted CR: another CR is added; the
         * receiver performs CR twice (23.038 6.1.2.3.1). */
        assert_int_equal(sms_ussd_encode_packed_hex("1234567\r", 8, hex, sizeof(hex), &len), 0);
        assert_int_equal(len, 16);
        assert_int_equal(sms_ussd_decode(hex, len, 15, SMS_USSD_FORM_PACKED_HEX, out, sizeof(out), &len), 0);
        assert_string_equal(out, "1234567\r\r");
        /* Language prefix (dcs 0x10): "en" CR, then the text. */
        assert_int_equal(sms_ussd_encode_packed_hex("en\rHello", 8, hex, sizeof(hex), &len), 0);
        assert_int_equal(sms_ussd_decode(hex, len, 0x10, SMS_USSD_FORM_PACKED_HEX, out, sizeof(out), &len), 0);
        assert_string_equal(out, "Hello");
        /* Refusals. */
        assert_int_equal(sms_ussd_encode_packed_hex("ж", 2, hex, sizeof(hex), &len), -EILSEQ);
        assert_int_equal(sms_ussd_decode("0G", 2, 15, SMS_USSD_FORM_PACKED_HEX, out, sizeof(out), &len), -EBADMSG);
        assert_int_equal(sms_ussd_decode("00", 2, 0x44, SMS_USSD_FORM_AUTO, out, sizeof(out), &len), -EOPNOTSUPP);
        assert_int_equal(sms_ussd_decode("00", 2, 0x60, SMS_USSD_FORM_AUTO, out, sizeof(out), &len), -EOPNOTSUPP);
        char big[200];
        memset(big, 'a', sizeof(big));
        assert_int_equal(sms_ussd_encode_packed_hex(big, 183, hex, sizeof(hex), &len), -E2BIG);
        assert_int_equal(sms_ussd_encode_packed_hex(big, 182, hex, sizeof(hex), &len), 0);
}

static void test_sms_ussd_parse_cusd_forms(void **state) {
        SmsUssdReply r;
        const char *reason = NULL;
        assert_int_equal(sms_ussd_parse_cusd("+CUSD: 2", 8, &r, NULL), 0);
        assert_int_equal(r.status, 2);
        assert_null(r.str);
        assert_int_equal(r.dcs, -1);
        assert_int_equal(sms_ussd_parse_cusd("+CUSD: 1,\"Reply 1, or 2\",15\r\n", 29, &r, NULL), 0);
        assert_int_equal(r.status, 1);
        assert_int_equal(r.str_len, 13);
        assert_memory_equal(r.str, "Reply 1, or 2", 13);
        assert_int_equal(r.dcs, 15);
        assert_int_equal(sms_ussd_parse_cusd("+CUSD: 9,\"x\",15", 15, &r, &reason), -EBADMSG);
        assert_non_null(reason);
        assert_int_equal(sms_ussd_parse_cusd("+CUSD: 0,\"x\",999", 17, &r, NULL), -EBADMSG);
        assert_int_equal(sms_ussd_parse_cusd("+CUSD: 0,\"x", 11, &r, NULL), -EBADMSG);
        assert_int_equal(sms_ussd_parse_cusd("+CREG: 1", 8, &r, NULL), -EINVAL);
}

static void test_sms_cbs_dcs_decode_groups(void **state) {
        SmsCbsDcs d;
        sms_cbs_dcs_decode(0x0F, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_GSM7);
        sms_cbs_dcs_decode(0x48, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_UCS2);
        sms_cbs_dcs_decode(0x44, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_8BIT);
        sms_cbs_dcs_decode(0x11, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_UCS2);
        assert_true(d.language_prefix);
        sms_cbs_dcs_decode(0x60, &d);
        assert_true(d.compressed);
        sms_cbs_dcs_decode(0xF4, &d);
        assert_int_equal(d.encoding, SMS_ENCODING_8BIT);
        sms_cbs_dcs_decode(0x25, &d); /* language group 0010 */
        assert_int_equal(d.encoding, SMS_ENCODING_GSM7);
        assert_false(d.language_prefix);
}

static void want(const Vec *v, const char *key, const char *got) {
        const char *w = vec_get(v, key);
        if (!w) {
                print_error("%s: vector lacks required field '%s'\n", v->name, key);
                fail();
        }
        if (strcmp(w, got) != 0) {
                print_error("%s: field '%s': want '%s', got '%s'\n", v->name, key, w, got);
                fail();
        }
}

static void want_int(const Vec *v, const char *key, long got) {
        char buf[32];
        snprintf(buf, sizeof(buf), "%ld", got);
        want(v, key, buf);
}

static void want_time(const Vec *v, const char *key, bool has, const SmsTime *t) {
        char buf[32] = "none";
        if (has)
                assert_true(sms_time_format(t, buf, sizeof(buf)) > 0);
        want(v, key, buf);
}

static void check_text_vector(const char *path) {
        Vec v;
        SmsCharset cs;
        char out[512];
        size_t len;

        assert_int_equal(vec_load(path, &v), 0);
        const char *line = vec_get(&v, "line");
        assert_non_null(line);
        assert_int_equal(sms_charset_from_string(vec_get(&v, "charset"), &cs), 0);
        if (parse(line, cs) < 0) {
                print_error("%s: header does not parse\n", v.name);
                fail();
        }
        want(&v, "kind", sms_text_kind_to_string(h.kind));
        want(&v, "pdu-mode", h.pdu_mode ? "yes" : "no");
        want_int(&v, "index", h.index);
        want_int(&v, "stat", h.stat);
        want(&v, "alpha", h.alpha);
        want_int(&v, "length", h.length);
        want_int(&v, "fo", h.fo);
        want_int(&v, "pid", h.pid);
        want_int(&v, "dcs", h.dcs);
        want_int(&v, "mr", h.mr);
        want_int(&v, "st", h.st);
        want(&v, "sca", h.sca.number);

        if (h.pdu_mode) {
                /* The next line: its TPDU length must match <length>. */
                const char *pdu = vec_get(&v, "pdu");
                size_t tl;
                assert_non_null(pdu);
                assert_int_equal(sms_pdu_hex_tpdu_length(pdu, strlen(pdu), &tl), 0);
                assert_int_equal(tl, (size_t)h.length);
                assert_int_equal(sms_pdu_decode_hex(pdu, strlen(pdu), true, &part, NULL), 0);
                want(&v, "type", "none");
                want(&v, "address", part.address.number);
                want_int(&v, "toa", part.address.toa);
                want_time(&v, "scts", true, &part.scts);
                want(&v, "discharge", "none");
                want(&v, "text", part.text);
        } else {
                want(&v, "type", sms_type_to_string(h.type));
                want(&v, "address", h.address.number);
                want_int(&v, "toa", h.address.toa);
                want_time(&v, "scts", h.has_scts, &h.scts);
                want_time(&v, "discharge", h.has_discharge, &h.discharge);
                if (h.type == SMS_TYPE_STATUS_REPORT)
                        want(&v, "category", sms_status_category_to_string(h.status_category));
                const char *body = vec_get(&v, "body");
                if (body) {
                        assert_int_equal(sms_text_decode_body(&h, cs, body, strlen(body), out, sizeof(out), &len), 0);
                        want(&v, "text", out);
                }
        }
        vec_clear(&v);
}

static void test_sms_text_vectors(void **state) {
        char **names = NULL;
        size_t n = vec_list(SMS_TEST_DATA_DIR "/text", ".vec", &names);
        assert_true(n >= 8);
        for (size_t i = 0; i < n; i++) {
                check_text_vector(names[i]);
                free(names[i]);
        }
        free(names);
}

static void test_sms_ussd_vectors(void **state) {
        char **names = NULL;
        size_t n = vec_list(SMS_TEST_DATA_DIR "/ussd", ".vec", &names);
        assert_true(n >= 3);
        for (size_t i = 0; i < n; i++) {
                Vec v;
                SmsUssdReply r;
                char out[SMS_USSD_TEXT_MAX];
                size_t len;
                assert_int_equal(vec_load(names[i], &v), 0);
                const char *line = vec_get(&v, "line"), *form = vec_get(&v, "form");
                assert_int_equal(sms_ussd_parse_cusd(line, strlen(line), &r, NULL), 0);
                want_int(&v, "status", r.status);
                want_int(&v, "dcs", r.dcs);
                SmsUssdForm f = strcmp(form, "packed") == 0 ? SMS_USSD_FORM_PACKED_HEX
                                : strcmp(form, "text") == 0 ? SMS_USSD_FORM_TEXT
                                                            : SMS_USSD_FORM_AUTO;
                assert_int_equal(sms_ussd_decode(r.str, r.str_len, (uint8_t)r.dcs, f, out, sizeof(out), &len), 0);
                want(&v, "text", out);
                vec_clear(&v);
                free(names[i]);
        }
        free(names);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sms_text_split_fields_quotes_and_empties),
                cmocka_unit_test(test_sms_text_parse_header_c17_pdu_mode_variants),
                cmocka_unit_test(test_sms_text_parse_header_c07_text_mode_ucs2_body),
                cmocka_unit_test(test_sms_text_parse_header_c14_status_reports),
                cmocka_unit_test(test_sms_text_parse_header_text_mode_forms),
                cmocka_unit_test(test_sms_text_parse_header_malformed),
                cmocka_unit_test(test_sms_text_parse_time_forms),
                cmocka_unit_test(test_sms_text_decode_body_by_charset),
                cmocka_unit_test(test_sms_ussd_c21_ucs2_dcs72),
                cmocka_unit_test(test_sms_ussd_gsm7_packed_and_plain),
                cmocka_unit_test(test_sms_ussd_parse_cusd_forms),
                cmocka_unit_test(test_sms_cbs_dcs_decode_groups),
                cmocka_unit_test(test_sms_text_vectors),
                cmocka_unit_test(test_sms_ussd_vectors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
