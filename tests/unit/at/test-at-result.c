/* Unit tests for the final-result table and response parsers.  Vectors
 * are named after the device or field case they come from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-result.h"

static void test_at_result_final_table(void **state) {
        AtFinal f;
        int code;
        assert_true(at_result_parse_final("OK", &f, &code));
        assert_int_equal(f, AT_FINAL_OK);
        assert_int_equal(code, -1);
        assert_true(at_result_parse_final("  OK \t", &f, NULL));
        assert_true(at_result_parse_final("ERROR", &f, NULL));
        assert_int_equal(f, AT_FINAL_ERROR);
        assert_true(at_result_parse_final("+CME ERROR: 10", &f, &code));
        assert_int_equal(f, AT_FINAL_CME_ERROR);
        assert_int_equal(code, 10);
        assert_true(at_result_parse_final("+CMS ERROR: 500", &f, &code));
        assert_int_equal(f, AT_FINAL_CMS_ERROR);
        assert_int_equal(code, 500);
        assert_true(at_result_parse_final("+CME ERROR: SIM PIN required", &f, &code));
        assert_int_equal(code, 11);
        assert_true(at_result_parse_final("+CME ERROR: sim busy", &f, &code));
        assert_int_equal(code, 14);
        assert_true(at_result_parse_final("+CME ERROR: something vendor", &f, &code));
        assert_int_equal(f, AT_FINAL_CME_ERROR);
        assert_int_equal(code, -1);
        assert_true(at_result_parse_final("+CMS ERROR: unknown text", &f, &code));
        assert_int_equal(code, -1);
        assert_true(at_result_parse_final("NO DIALTONE", &f, NULL));
        assert_int_equal(f, AT_FINAL_NO_DIALTONE);
        assert_true(at_result_parse_final("NO DIAL TONE", &f, NULL));
        assert_int_equal(f, AT_FINAL_NO_DIALTONE);
        assert_true(at_result_parse_final("CONNECT 115200", &f, NULL));
        assert_int_equal(f, AT_FINAL_CONNECT);
        assert_true(at_result_parse_final("NO CARRIER", &f, NULL));
        assert_true(at_result_parse_final("BUSY", &f, NULL));
        assert_true(at_result_parse_final("NO ANSWER", &f, NULL));
        /* Data that merely contains a final result. */
        assert_false(at_result_is_final("OK?"));
        assert_false(at_result_is_final("STATUS OK"));
        assert_false(at_result_is_final("OKAY"));
        assert_false(at_result_is_final("CONNECTED"));
        assert_false(at_result_is_final("ERRORS"));
        assert_false(at_result_is_final(""));
        assert_false(at_result_is_final(NULL));
        assert_string_equal(at_final_to_string(AT_FINAL_GONE), "gone");
        assert_null(at_final_to_string(_AT_FINAL_MAX));
        assert_int_equal(at_final_to_errno(AT_FINAL_CANCELLED), -ECANCELED);
        assert_int_equal(at_final_to_errno(AT_FINAL_OK), 0);
}

static void test_at_result_split_fields_quotes_spaces_empty(void **state) {
        AtFields *f = malloc(sizeof(AtFields));
        assert_int_equal(at_result_split_fields("2, 1 ,\"AB,CD\" , ,7,,", f), 0);
        assert_int_equal(f->n, 7);
        assert_string_equal(f->v[0], "2");
        assert_string_equal(f->v[1], "1");
        assert_string_equal(f->v[2], "AB,CD");
        assert_true(f->quoted[2]);
        assert_string_equal(f->v[3], "");
        assert_false(f->quoted[3]);
        assert_string_equal(f->v[4], "7");
        assert_string_equal(f->v[5], "");
        assert_string_equal(f->v[6], "");
        assert_int_equal(at_result_split_fields("(1,\"Op\",\"O\",\"00101\",7),,(0-4)", f), 0);
        assert_int_equal(f->n, 3);
        assert_string_equal(f->v[0], "(1,\"Op\",\"O\",\"00101\",7)");
        assert_int_equal(at_result_split_fields("", f), 0);
        assert_int_equal(f->n, 0);
        assert_int_equal(at_result_split_fields("\"unterminated", f), -EBADMSG);
        assert_int_equal(at_result_split_fields("\"a\"b", f), -EBADMSG);
        assert_int_equal(at_result_split_fields("a\"b\"", f), -EBADMSG);
        assert_int_equal(at_result_split_fields("(1,2", f), -EBADMSG);
        assert_int_equal(at_result_split_fields(",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,", f), -E2BIG);
        free(f);
}

static void test_at_result_after_prefix(void **state) {
        assert_string_equal(at_result_after_prefix("+CSQ:   20,99", "+CSQ:"), "20,99");
        assert_string_equal(at_result_after_prefix("+CSQ:20,99", "+CSQ:"), "20,99");
        assert_null(at_result_after_prefix("+CSQ 20,99", "+CSQ:"));
}

static void test_at_parse_csq_sim7600_and_unknown(void **state) {
        AtCsq c;
        assert_int_equal(at_parse_csq("+CSQ: 20,99", &c), 0);
        assert_int_equal(c.rssi, 20);
        assert_int_equal(c.ber, 99);
        assert_int_equal(c.percent, 65);
        assert_int_equal(at_parse_csq("+CSQ: 31,0", &c), 0);
        assert_int_equal(c.percent, 100);
        assert_int_equal(at_parse_csq("+CSQ: 0,7", &c), 0);
        assert_int_equal(c.percent, 0);
        assert_int_equal(at_parse_csq("+CSQ: 99,99", &c), 0);
        assert_int_equal(c.percent, 0);
        assert_int_equal(c.rssi, 99);
        assert_int_equal(at_parse_csq("+CSQ:12,3", &c), 0);
        assert_int_equal(c.percent, 39);
        c.rssi = 77;
        assert_int_equal(at_parse_csq("+CSQ: 32,99", &c), -EBADMSG);
        assert_int_equal(c.rssi, 77); /* untouched on failure */
        assert_int_equal(at_parse_csq("+CSQ: 20,8", &c), -EBADMSG);
        assert_int_equal(at_parse_csq("+CSQ: 20", &c), -EBADMSG);
        assert_int_equal(at_parse_csq("+CSQ: 20,99,1", &c), -EBADMSG);
        assert_int_equal(at_parse_csq("+CSQ: x,99", &c), -EBADMSG);
        assert_int_equal(at_parse_csq("+CSQ: -1,99", &c), -EBADMSG);
        assert_int_equal(at_parse_csq("+CSQ: \"20\",99", &c), -EBADMSG);
        assert_int_equal(at_parse_csq("+CSQ: ,", &c), -EBADMSG);
        assert_int_equal(at_parse_csq("+CREG: 0,1", &c), -EINVAL);
        assert_int_equal(at_parse_csq(NULL, &c), -EINVAL);
}

static void test_at_csq_rssi_to_percent(void **state) {
        unsigned p;
        assert_int_equal(at_csq_rssi_to_percent(15, &p), 0);
        assert_int_equal(p, 48);
        assert_int_equal(at_csq_rssi_to_percent(100, &p), -EINVAL);
}

/* Field case C31: the +CREG forms from Sierra 312U, gammu threads and the
 * Monarch GMS01Q (TinyGSM #503). */
static void test_at_parse_creg_c31_sierra_312u_with_act(void **state) {
        AtRegistration r;
        assert_int_equal(at_parse_creg("+CREG: 2,5,\"2AF5\",\"0B88E350\",2", AT_REG_FORM_QUERY, &r), 0);
        assert_true(r.solicited);
        assert_int_equal(r.n, 2);
        assert_int_equal(r.stat, 5);
        assert_true(r.has_lac);
        assert_int_equal(r.lac, 0x2AF5);
        assert_true(r.has_ci);
        assert_int_equal(r.ci, 0x0B88E350);
        assert_int_equal(r.act, 2);
        assert_string_equal(at_reg_stat_to_registration(r.stat), "roaming");
        /* Same line, form decided by shape. */
        assert_int_equal(at_parse_creg("+CREG: 2,5,\"2AF5\",\"0B88E350\",2", AT_REG_FORM_AUTO, &r), 0);
        assert_int_equal(r.stat, 5);
        assert_int_equal(r.act, 2);
}

static void test_at_parse_creg_c31_query_without_act(void **state) {
        AtRegistration r;
        assert_int_equal(at_parse_creg("+CREG: 2,1,\"0F1A\",\"02B1D0A3\"", AT_REG_FORM_AUTO, &r), 0);
        assert_int_equal(r.n, 2);
        assert_int_equal(r.stat, 1);
        assert_int_equal(r.lac, 0x0F1A);
        assert_int_equal(r.ci, 0x02B1D0A3);
        assert_int_equal(r.act, -1);
}

static void test_at_parse_creg_c31_urc_forms(void **state) {
        AtRegistration r;
        /* n=2 URC arriving while AT+CGREG=2 is pending (gammu #242). */
        assert_int_equal(at_parse_creg("+CREG: 1,\"4048\",\"0B78\"", AT_REG_FORM_AUTO, &r), 0);
        assert_false(r.solicited);
        assert_int_equal(r.n, -1);
        assert_int_equal(r.stat, 1);
        assert_int_equal(r.lac, 0x4048);
        assert_int_equal(r.ci, 0x0B78);
        assert_int_equal(at_parse_creg("+CREG: 1,\"4048\",\"0B78\"", AT_REG_FORM_URC, &r), 0);
        assert_int_equal(r.stat, 1);
        /* n=1 bare stat URC. */
        assert_int_equal(at_parse_creg("+CREG: 5", AT_REG_FORM_AUTO, &r), 0);
        assert_int_equal(r.stat, 5);
        assert_false(r.has_lac);
        assert_int_equal(at_parse_creg("+CREG: 5", AT_REG_FORM_QUERY, &r), -EBADMSG);
}

static void test_at_parse_creg_c31_monarch_cereg_act_not_stat(void **state) {
        AtRegistration r;
        assert_int_equal(at_parse_creg("+CEREG: 2,1,\"3982\",\"00DF3B03\",7", AT_REG_FORM_QUERY, &r), 0);
        assert_int_equal(r.family, AT_REG_CEREG);
        assert_int_equal(r.stat, 1); /* never the last integer (TinyGSM read 7) */
        assert_int_equal(r.lac, 0x3982);
        assert_int_equal(r.ci, 0x00DF3B03);
        assert_int_equal(r.act, 7);
}

static void test_at_parse_creg_n0_and_verbose_empty_optionals(void **state) {
        AtRegistration r;
        assert_int_equal(at_parse_creg("+CREG: 0,2", AT_REG_FORM_AUTO, &r), 0);
        assert_int_equal(r.n, 0);
        assert_int_equal(r.stat, 2);
        assert_string_equal(at_reg_stat_to_registration(r.stat), "searching");
        /* Inventory: "2,1,"ABCD","12345678",7,," is valid. */
        assert_int_equal(at_parse_creg("+CGREG: 2,1,\"ABCD\",\"12345678\",7,,", AT_REG_FORM_QUERY, &r), 0);
        assert_int_equal(r.family, AT_REG_CGREG);
        assert_int_equal(r.lac, 0xABCD);
        assert_int_equal(r.ci, 0x12345678);
        assert_int_equal(r.act, 7);
        /* gammu #89: unquoted LAC/CI with spaces. */
        assert_int_equal(at_parse_creg("+CREG: 2,1, 550014, 676", AT_REG_FORM_QUERY, &r), 0);
        assert_int_equal(r.lac, 0x550014);
        assert_int_equal(r.ci, 0x676);
        /* CGREG with <rac> after AcT. */
        assert_int_equal(at_parse_creg("+CGREG: 2,1,\"00C3\",\"0000A13F\",7,\"01\"", AT_REG_FORM_QUERY, &r),
                         0);
        assert_int_equal(r.act, 7);
        assert_int_equal(at_parse_creg("+C5GREG: 0,1", AT_REG_FORM_QUERY, &r), 0);
        assert_int_equal(r.family, AT_REG_C5GREG);
}

static void test_at_parse_creg_rejects_junk(void **state) {
        AtRegistration r = {.stat = 42};
        assert_int_equal(at_parse_creg("+CREG: 0,1,", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 0,1,,,", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 1,,", AT_REG_FORM_URC, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: x,1", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 2,one", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 2,12", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 6,1", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 2,1,\"XYZ\",\"1\"", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 2,1,\"123456789\",\"1\"", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 2,1,\"1\",\"2\",x", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG:", AT_REG_FORM_AUTO, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: ", AT_REG_FORM_AUTO, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: \"1\"", AT_REG_FORM_AUTO, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+COPS: 0", AT_REG_FORM_AUTO, &r), -EINVAL);
        assert_int_equal(r.stat, 42);
}

static void test_at_parse_cops_forms(void **state) {
        AtCops c;
        assert_int_equal(at_parse_cops("+COPS: 0,0,\"Operator\",7", &c), 0);
        assert_int_equal(c.mode, 0);
        assert_int_equal(c.format, 0);
        assert_string_equal(c.oper, "Operator");
        assert_int_equal(c.act, 7);
        assert_int_equal(at_parse_cops("+COPS: 0", &c), 0);
        assert_int_equal(c.format, -1);
        assert_string_equal(c.oper, "");
        assert_int_equal(c.act, -1);
        /* Quectel EC25 numeric format. */
        assert_int_equal(at_parse_cops("+COPS: 1,2,\"00101\",7", &c), 0);
        assert_string_equal(c.oper, "00101");
        /* Comma inside the operator name. */
        assert_int_equal(at_parse_cops("+COPS: 0,0,\"Op, Inc\"", &c), 0);
        assert_string_equal(c.oper, "Op, Inc");
        assert_int_equal(at_parse_cops("+COPS: 0,2,\"0010A\",7", &c), -EBADMSG);
        assert_int_equal(at_parse_cops("+COPS: 0,0", &c), -EBADMSG);
        assert_int_equal(at_parse_cops("+COPS: 5", &c), -EBADMSG);
        assert_int_equal(at_parse_cops("+COPS: 0,0,\"\",7", &c), -EBADMSG);
        assert_int_equal(at_parse_cops("+COPS: 0,0,\"A\",x", &c), -EBADMSG);
        assert_int_equal(
                at_parse_cops(
                        "+COPS: "
                        "0,0,\"0123456789012345678901234567890123456789012345678901234567890123456789\"",
                        &c),
                -ENOBUFS);
        assert_int_equal(at_parse_cops("+CSQ: 1,1", &c), -EINVAL);
}

/* Cases carried over from the netreg module's own parsers (removed: netreg
 * uses these).  The operator name becomes a D-Bus string: quoted,
 * printable ASCII only. */
static void test_at_parse_netreg_strict_shapes(void **state) {
        AtCsq q;
        AtRegistration r;
        AtCops c;
        assert_int_equal(at_parse_csq("+CSQ: 31 , 0", &q), 0);
        assert_int_equal(q.rssi, 31);
        assert_int_equal(q.ber, 0);
        assert_int_equal(at_parse_csq("+CSQ: 20,99x", &q), -EBADMSG);
        assert_int_equal(at_parse_creg("+CGREG: 3", AT_REG_FORM_URC, &r), 0);
        assert_int_equal(r.family, AT_REG_CGREG);
        assert_int_equal(r.stat, 3);
        assert_int_equal(at_parse_creg("+CREG: 2", AT_REG_FORM_QUERY, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 12", AT_REG_FORM_URC, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 1,\"40G8\"", AT_REG_FORM_URC, &r), -EBADMSG);
        assert_int_equal(at_parse_creg("+CREG: 1,\"4048", AT_REG_FORM_URC, &r), -EBADMSG);
        assert_int_equal(at_parse_cops("+COPS: 0,0,\"Callstack Mobile\",7", &c), 0);
        assert_string_equal(c.oper, "Callstack Mobile");
        assert_int_equal(at_parse_cops("+COPS: 0,0,Operator", &c), -EBADMSG);
        assert_int_equal(at_parse_cops("+COPS: 9,0,\"Op\"", &c), -EBADMSG);
        assert_int_equal(at_parse_cops("+COPS: 0,0,\"Op\x01\"", &c), -EBADMSG);
        /* UTF-8 kept; Latin-1 bytes escaped (a name, not a refusal). */
        assert_int_equal(at_parse_cops("+COPS: 0,0,\"Op\xc3\xa9\"", &c), 0);
        assert_string_equal(c.oper, "Op\xc3\xa9");
        assert_int_equal(at_parse_cops("+COPS: 0,0,\"Telef\xf3nica\",7", &c), 0);
        assert_string_equal(c.oper, "Telef\\xf3nica");
        assert_int_equal(at_parse_cops("+COPS: 0,0,\"Op\x7f\"", &c), -EBADMSG);
}

static void test_at_parse_cpin_states(void **state) {
        AtPinState s;
        assert_int_equal(at_parse_cpin("+CPIN: READY", &s), 0);
        assert_int_equal(s, AT_PIN_READY);
        assert_int_equal(at_parse_cpin("+CPIN: SIM PIN", &s), 0);
        assert_int_equal(s, AT_PIN_SIM_PIN);
        assert_int_equal(at_parse_cpin("+CPIN: SIM PUK", &s), 0);
        assert_int_equal(s, AT_PIN_SIM_PUK);
        assert_int_equal(at_parse_cpin("+CPIN: PH-NET PIN", &s), 0);
        assert_int_equal(s, AT_PIN_PH_NET_PIN);
        assert_int_equal(at_parse_cpin("+CPIN: \"READY\"", &s), 0); /* some firmwares quote */
        assert_int_equal(at_parse_cpin("+CPIN: NOT INSERTED", &s), 0);
        assert_int_equal(s, AT_PIN_NOT_INSERTED);
        assert_string_equal(at_pin_state_to_string(AT_PIN_SIM_PUK2), "SIM PUK2");
        assert_int_equal(at_parse_cpin("+CPIN: READY,1", &s), -EBADMSG);
        assert_int_equal(at_parse_cpin("+CPIN: ready", &s), -EBADMSG);
        assert_int_equal(at_parse_cpin("+CPIN:", &s), -EBADMSG);
        assert_int_equal(at_parse_cpin("+CPIN: SIM PIN3", &s), -EBADMSG);
        assert_int_equal(at_parse_cpin("+QCPIN: READY", &s), -EINVAL);
}

static void test_at_parse_cmti_sm_me_and_cdsi(void **state) {
        AtMessageIndication m;
        assert_int_equal(at_parse_cmti("+CMTI: \"SM\",3", &m), 0);
        assert_string_equal(m.mem, "SM");
        assert_int_equal(m.index, 3);
        /* Field case C19 (Quectel EC25). */
        assert_int_equal(at_parse_cmti("+CMTI: \"ME\",67", &m), 0);
        assert_string_equal(m.mem, "ME");
        assert_int_equal(m.index, 67);
        /* Field case C16: +CDSI. */
        assert_int_equal(at_parse_cmti("+CDSI: \"SM\",6", &m), 0);
        assert_int_equal(m.index, 6);
        assert_int_equal(at_parse_cmti("+CMTI: SM, 4", &m), 0);
        assert_int_equal(m.index, 4);
        assert_int_equal(at_parse_cmti("+CMTI: \"SM\"", &m), -EBADMSG);
        assert_int_equal(at_parse_cmti("+CMTI: \"SM\",-1", &m), -EBADMSG);
        assert_int_equal(at_parse_cmti("+CMTI: \"SM\",70000", &m), -EBADMSG);
        assert_int_equal(at_parse_cmti("+CMTI: \"sm\",1", &m), -EBADMSG);
        assert_int_equal(at_parse_cmti("+CMTI: \"LONGMEM\",1", &m), -EBADMSG);
        assert_int_equal(at_parse_cmti("+CMTI: \"\",1", &m), -EBADMSG);
        assert_int_equal(at_parse_cmti("+CMT: \"SM\",1", &m), -EINVAL);
}

static void test_at_parse_cmgs_mr(void **state) {
        unsigned mr = 999;
        assert_int_equal(at_parse_cmgs("+CMGS: 64", &mr), 0); /* field case C14 */
        assert_int_equal(mr, 64);
        assert_int_equal(at_parse_cmgs("+CMGS: 0", &mr), 0);
        assert_int_equal(mr, 0);
        assert_int_equal(at_parse_cmgs("+CMGS: 12,\"24/03/15,10:30:00+04\"", &mr), 0);
        assert_int_equal(mr, 12);
        assert_int_equal(at_parse_cmgs("+CMGS: 256", &mr), -EBADMSG);
        assert_int_equal(at_parse_cmgs("+CMGS: ", &mr), -EBADMSG);
        assert_int_equal(at_parse_cmgs("+CMGS: abc", &mr), -EBADMSG);
        assert_int_equal(mr, 12);
}

/* Field case C21 (Huawei, DCS 72 UCS2 reply). */
static void test_at_parse_cusd_c21_ucs2(void **state) {
        AtCusd *c = malloc(sizeof(AtCusd));
        assert_int_equal(
                at_parse_cusd("+CUSD: 0,\"04110430043B0430043D0441003A003100300030002C003000300440\",72", c),
                0);
        assert_int_equal(c->m, 0);
        assert_true(c->has_text);
        assert_string_equal(c->text, "04110430043B0430043D0441003A003100300030002C003000300440");
        assert_int_equal(c->dcs, 72);
        assert_int_equal(at_parse_cusd("+CUSD: 2", c), 0);
        assert_int_equal(c->m, 2);
        assert_false(c->has_text);
        assert_int_equal(c->dcs, -1);
        assert_int_equal(at_parse_cusd("+CUSD: 1,\"Reply 1, 2 or 3\",15", c), 0);
        assert_string_equal(c->text, "Reply 1, 2 or 3");
        assert_int_equal(at_parse_cusd("+CUSD: 6,\"x\",15", c), -EBADMSG);
        assert_int_equal(at_parse_cusd("+CUSD: 0,unquoted,15", c), -EBADMSG);
        assert_int_equal(at_parse_cusd("+CUSD: 0,\"x\",256", c), -EBADMSG);
        assert_int_equal(at_parse_cusd("+CUSD: 0,\"x", c), -EBADMSG);
        free(c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_at_result_final_table),
                cmocka_unit_test(test_at_result_split_fields_quotes_spaces_empty),
                cmocka_unit_test(test_at_result_after_prefix),
                cmocka_unit_test(test_at_parse_csq_sim7600_and_unknown),
                cmocka_unit_test(test_at_csq_rssi_to_percent),
                cmocka_unit_test(test_at_parse_creg_c31_sierra_312u_with_act),
                cmocka_unit_test(test_at_parse_creg_c31_query_without_act),
                cmocka_unit_test(test_at_parse_creg_c31_urc_forms),
                cmocka_unit_test(test_at_parse_creg_c31_monarch_cereg_act_not_stat),
                cmocka_unit_test(test_at_parse_creg_n0_and_verbose_empty_optionals),
                cmocka_unit_test(test_at_parse_creg_rejects_junk),
                cmocka_unit_test(test_at_parse_cops_forms),
                cmocka_unit_test(test_at_parse_netreg_strict_shapes),
                cmocka_unit_test(test_at_parse_cpin_states),
                cmocka_unit_test(test_at_parse_cmti_sm_me_and_cdsi),
                cmocka_unit_test(test_at_parse_cmgs_mr),
                cmocka_unit_test(test_at_parse_cusd_c21_ucs2),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
