/* Unit tests for src/netreg/netreg-parse.c: +CSQ, +CREG family (field
 * case C31), +COPS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>

#include "netreg/netreg-parse.h"

static void test_netreg_parse_csq_plain_and_spaces(void **state) {
        unsigned rssi = 0, ber = 0;
        assert_int_equal(netreg_parse_csq("+CSQ: 20,99", &rssi, &ber), 0);
        assert_int_equal(rssi, 20);
        assert_int_equal(ber, 99);
        /* inventory ba093d8: spaces around commas are fine */
        assert_int_equal(netreg_parse_csq("+CSQ: 31 , 0", &rssi, &ber), 0);
        assert_int_equal(rssi, 31);
        assert_int_equal(ber, 0);
        assert_int_equal(netreg_parse_csq("+CSQ:99,99", &rssi, &ber), 0);
        assert_int_equal(rssi, 99);
}

static void test_netreg_parse_csq_rejects_garbage(void **state) {
        unsigned rssi = 7, ber = 7;
        assert_int_equal(netreg_parse_csq("+CSQ: 20,99x", &rssi, &ber), -EBADMSG);
        assert_int_equal(netreg_parse_csq("+CSQ: 20", &rssi, &ber), -EBADMSG);
        assert_int_equal(netreg_parse_csq("+CSQ: 20,99,1", &rssi, &ber), -EBADMSG);
        assert_int_equal(netreg_parse_csq("+CSQ: 32,99", &rssi, &ber), -EBADMSG);
        assert_int_equal(netreg_parse_csq("+CSQ: -1,99", &rssi, &ber), -EBADMSG);
        assert_int_equal(netreg_parse_csq("+CSQ: ,", &rssi, &ber), -EBADMSG);
        assert_int_equal(netreg_parse_csq("+CREG: 1,2", &rssi, &ber), -EBADMSG);
        assert_int_equal(netreg_parse_csq(NULL, &rssi, &ber), -EBADMSG);
        assert_int_equal(rssi, 7); /* untouched on failure */
}

static void test_netreg_csq_to_percent_scale(void **state) {
        assert_int_equal(netreg_csq_to_percent(0), 0);
        assert_int_equal(netreg_csq_to_percent(31), 100);
        assert_int_equal(netreg_csq_to_percent(15), 48);
        assert_int_equal(netreg_csq_to_percent(20), 65);
        assert_int_equal(netreg_csq_to_percent(99), 0);
        assert_int_equal(netreg_csq_to_percent(32), 0);
}

/* Field case C31: the six lines and their expected <stat>. */
static void test_netreg_parse_creg_c31_forms(void **state) {
        NetRegFamily fam = _NETREG_FAMILY_MAX;
        int stat = -1;

        /* Sierra 312U: extra <AcT> */
        assert_int_equal(netreg_parse_creg("+CREG: 2,5,\"2AF5\",\"0B88E350\",2", true, &fam, &stat), 0);
        assert_int_equal(fam, NETREG_FAMILY_CREG);
        assert_int_equal(stat, 5);
        assert_int_equal(netreg_parse_creg("+CREG: 2,1,\"0F1A\",\"02B1D0A3\"", true, &fam, &stat), 0);
        assert_int_equal(stat, 1);
        /* URC with lac/ci while another command is pending */
        assert_int_equal(netreg_parse_creg("+CREG: 1,\"4048\",\"0B78\"", false, &fam, &stat), 0);
        assert_int_equal(stat, 1);
        assert_int_equal(netreg_parse_creg("+CREG: 5", false, &fam, &stat), 0);
        assert_int_equal(stat, 5);
        /* TinyGSM #503: never take AcT=7 as the state */
        assert_int_equal(netreg_parse_creg("+CEREG: 2,1,\"3982\",\"00DF3B03\",7", true, &fam, &stat), 0);
        assert_int_equal(fam, NETREG_FAMILY_CEREG);
        assert_int_equal(stat, 1);
        assert_int_equal(netreg_parse_creg("+CREG: 0,2", true, &fam, &stat), 0);
        assert_int_equal(fam, NETREG_FAMILY_CREG);
        assert_int_equal(stat, 2);
}

static void test_netreg_parse_creg_optional_tails(void **state) {
        NetRegFamily fam;
        int stat = -1;

        /* inventory 6f608c5: verbose with empty optionals is fine */
        assert_int_equal(netreg_parse_creg("+CEREG: 2,1,\"ABCD\",\"12345678\",7,,", true, &fam, &stat), 0);
        assert_int_equal(stat, 1);
        /* gammu #89: unquoted, with spaces */
        assert_int_equal(netreg_parse_creg("+CREG: 2,1, 550014, 676", true, &fam, &stat), 0);
        assert_int_equal(stat, 1);
        assert_int_equal(netreg_parse_creg("+CGREG: 3", false, &fam, &stat), 0);
        assert_int_equal(fam, NETREG_FAMILY_CGREG);
        assert_int_equal(stat, 3);
}

static void test_netreg_parse_creg_rejects_bad(void **state) {
        NetRegFamily fam = NETREG_FAMILY_CGREG;
        int stat = 42;

        assert_int_equal(netreg_parse_creg("+CREG: 0,1,", true, &fam, &stat), -EBADMSG);
        assert_int_equal(netreg_parse_creg("+CREG: x,1", true, &fam, &stat), -EBADMSG);
        assert_int_equal(netreg_parse_creg("+CREG: 2", true, &fam, &stat), -EBADMSG);
        assert_int_equal(netreg_parse_creg("+CREG: 1,\"40G8\"", false, &fam, &stat), -EBADMSG);
        assert_int_equal(netreg_parse_creg("+CREG: 12", false, &fam, &stat), -EBADMSG);
        assert_int_equal(netreg_parse_creg("+CREG: 1,\"4048", false, &fam, &stat), -EBADMSG);
        assert_int_equal(netreg_parse_creg("+CREG: ", false, &fam, &stat), -EBADMSG);
        assert_int_equal(netreg_parse_creg("+COPS: 0", false, &fam, &stat), -EBADMSG);
        assert_int_equal(netreg_parse_creg("+CREG: 2,1,\"1\",\"2\",x", true, &fam, &stat), -EBADMSG);
        assert_int_equal(stat, 42);
        assert_int_equal(fam, NETREG_FAMILY_CGREG);
}

static void test_netreg_parse_cops_forms(void **state) {
        char *name = NULL;

        assert_int_equal(netreg_parse_cops("+COPS: 0,0,\"Callstack Mobile\",7", &name), 0);
        assert_string_equal(name, "Callstack Mobile");
        free(name);
        assert_int_equal(netreg_parse_cops("+COPS: 0,2,\"00101\",2", &name), 0);
        assert_string_equal(name, "00101");
        free(name);
        assert_int_equal(netreg_parse_cops("+COPS: 1,0,\"Op, with comma\"", &name), 0);
        assert_string_equal(name, "Op, with comma");
        free(name);
        /* not registered: mode only */
        assert_int_equal(netreg_parse_cops("+COPS: 0", &name), 0);
        assert_string_equal(name, "");
        free(name);
}

static void test_netreg_parse_cops_rejects_bad(void **state) {
        char *name = (char *)"untouched";

        assert_int_equal(netreg_parse_cops("+COPS: 0,0", &name), -EBADMSG);
        assert_int_equal(netreg_parse_cops("+COPS: 0,0,Operator", &name), -EBADMSG);
        assert_int_equal(netreg_parse_cops("+COPS: 0,0,\"Op\",x", &name), -EBADMSG);
        assert_int_equal(netreg_parse_cops("+COPS: 9,0,\"Op\"", &name), -EBADMSG);
        assert_int_equal(netreg_parse_cops("+COPS: 0,0,\"Op\x01\"", &name), -EBADMSG);
        assert_int_equal(netreg_parse_cops("+CSQ: 1,2", &name), -EBADMSG);
        assert_string_equal(name, "untouched");
}

static void test_netreg_split_fields_quotes(void **state) {
        NetRegField f[4];
        assert_int_equal(netreg_split_fields(" a , \"b,c\" ,d", f, 4), 3);
        assert_int_equal(f[0].len, 1);
        assert_memory_equal(f[1].start, "\"b,c\"", 5);
        assert_int_equal(f[1].len, 5);
        assert_int_equal(netreg_split_fields("\"open", f, 4), -EBADMSG);
        assert_int_equal(netreg_split_fields("1,2,3,4,5", f, 4), -EBADMSG);
        assert_int_equal(netreg_split_fields("", f, 4), 1);
        assert_int_equal(f[0].len, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_netreg_parse_csq_plain_and_spaces),
                cmocka_unit_test(test_netreg_parse_csq_rejects_garbage),
                cmocka_unit_test(test_netreg_csq_to_percent_scale),
                cmocka_unit_test(test_netreg_parse_creg_c31_forms),
                cmocka_unit_test(test_netreg_parse_creg_optional_tails),
                cmocka_unit_test(test_netreg_parse_creg_rejects_bad),
                cmocka_unit_test(test_netreg_parse_cops_forms),
                cmocka_unit_test(test_netreg_parse_cops_rejects_bad),
                cmocka_unit_test(test_netreg_split_fields_quotes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
