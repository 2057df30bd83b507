/* Unit tests for src/sim/sim-parse.c: +CPIN codes (27.007 8.3, field case
 * C35), SIM +CME codes, PIN validation, identity replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>

#include "sim/sim-parse.h"

static void test_sim_parse_cpin_codes(void **state) {
        SimState s = _SIM_STATE_MAX;
        assert_int_equal(sim_parse_cpin("+CPIN: READY", &s), 0);
        assert_int_equal(s, SIM_STATE_READY);
        assert_int_equal(sim_parse_cpin("+CPIN: SIM PIN", &s), 0);
        assert_int_equal(s, SIM_STATE_PIN_REQUIRED);
        assert_int_equal(sim_parse_cpin("+CPIN:SIM PUK", &s), 0);
        assert_int_equal(s, SIM_STATE_PUK_REQUIRED);
        assert_int_equal(sim_parse_cpin("+CPIN: PH-NET PIN", &s), 0);
        assert_int_equal(s, SIM_STATE_LOCKED);
        assert_int_equal(sim_parse_cpin("+CPIN: SIM PIN2 ", &s), 0);
        assert_int_equal(s, SIM_STATE_LOCKED);
        assert_int_equal(sim_parse_cpin("+CPIN: \"READY\"", &s), 0);
        assert_int_equal(s, SIM_STATE_READY);
        assert_int_equal(sim_parse_cpin("+CPIN: NOT INSERTED", &s), 0);
        assert_int_equal(s, SIM_STATE_ABSENT);
        assert_string_equal(sim_state_to_string(SIM_STATE_PIN_REQUIRED), "pin-required");
        assert_string_equal(sim_state_to_string(SIM_STATE_ABSENT), "absent");
}

static void test_sim_parse_cpin_rejects_unknown(void **state) {
        SimState s = SIM_STATE_FAILED;
        assert_int_equal(sim_parse_cpin("+CPIN: READYX", &s), -EBADMSG);
        assert_int_equal(sim_parse_cpin("+CPIN: ", &s), -EBADMSG);
        assert_int_equal(sim_parse_cpin("+CPIN READY", &s), -EBADMSG);
        assert_int_equal(sim_parse_cpin("+QUSIM: 1", &s), -EBADMSG);
        assert_int_equal(sim_parse_cpin(NULL, &s), -EBADMSG);
        assert_int_equal(s, SIM_STATE_FAILED);
}

static void test_sim_state_from_cme_codes(void **state) {
        SimState s;
        assert_int_equal(sim_state_from_cme(10, &s), 0);
        assert_int_equal(s, SIM_STATE_ABSENT);
        assert_int_equal(sim_state_from_cme(14, &s), 0);
        assert_int_equal(s, SIM_STATE_UNKNOWN);
        assert_int_equal(sim_state_from_cme(13, &s), 0);
        assert_int_equal(s, SIM_STATE_FAILED);
        assert_int_equal(sim_state_from_cme(3, &s), -ENOENT);
        assert_int_equal(sim_state_from_cme(-1, &s), -ENOENT);
}

static void test_sim_pin_is_valid_bounds(void **state) {
        assert_true(sim_pin_is_valid("0000"));
        assert_true(sim_pin_is_valid("12345678"));
        assert_false(sim_pin_is_valid("123"));
        assert_false(sim_pin_is_valid("123456789"));
        assert_false(sim_pin_is_valid("12a4"));
        assert_false(sim_pin_is_valid("1234\r"));
        assert_false(sim_pin_is_valid("12\"4"));
        assert_false(sim_pin_is_valid(""));
        assert_false(sim_pin_is_valid(NULL));
}

static void test_sim_parse_identity_vendor_forms(void **state) {
        char *v = NULL;
        const char *imei_bare[] = { "490154203237518" };
        const char *imei_pref[] = { "+CGSN: \"490154203237518\"" };
        const char *imsi[] = { "001010123456789" };
        const char *iccid_sim7600[] = { "+ICCID: 8944500102198304826F" };
        const char *iccid_quectel[] = { "+QCCID: 89445001021983048265" };
        const char *iccid_huawei[] = { "^ICCID: 8944500102198304826" };
        const char *cnum[] = { "+CNUM: \"\",\"+15555550123\",145" };
        const char *cnum_empty[] = { "+CNUM: \"\",\"\",129" };

        assert_int_equal(sim_parse_identity(SIM_IDENTITY_IMEI, imei_bare, 1, &v), 0);
        assert_string_equal(v, "490154203237518");
        free(v);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_IMEI, imei_pref, 1, &v), 0);
        assert_string_equal(v, "490154203237518");
        free(v);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_IMSI, imsi, 1, &v), 0);
        assert_string_equal(v, "001010123456789");
        free(v);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_ICCID, iccid_sim7600, 1, &v), 0);
        assert_string_equal(v, "8944500102198304826");
        free(v);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_ICCID, iccid_quectel, 1, &v), 0);
        assert_string_equal(v, "89445001021983048265");
        free(v);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_ICCID, iccid_huawei, 1, &v), 0);
        assert_string_equal(v, "8944500102198304826");
        free(v);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_MSISDN, cnum, 1, &v), 0);
        assert_string_equal(v, "+15555550123");
        free(v);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_MSISDN, cnum_empty, 1, &v), -ENOENT);
        assert_string_equal(sim_identity_kind_to_string(SIM_IDENTITY_ICCID), "ICCID");
}

static void test_sim_parse_identity_rejects_bad(void **state) {
        char *v = (char *)"untouched";
        const char *short_imei[] = { "12345" };
        const char *junk[] = { "ERROR-ish 490154203237518" };
        const char *empty[] = { "" };

        assert_int_equal(sim_parse_identity(SIM_IDENTITY_IMEI, short_imei, 1, &v), -EBADMSG);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_IMEI, junk, 1, &v), -EBADMSG);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_IMSI, empty, 1, &v), -ENOENT);
        assert_int_equal(sim_parse_identity(SIM_IDENTITY_IMSI, NULL, 0, &v), -ENOENT);
        assert_string_equal(v, "untouched");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sim_parse_cpin_codes),
                cmocka_unit_test(test_sim_parse_cpin_rejects_unknown),
                cmocka_unit_test(test_sim_state_from_cme_codes),
                cmocka_unit_test(test_sim_pin_is_valid_bounds),
                cmocka_unit_test(test_sim_parse_identity_vendor_forms),
                cmocka_unit_test(test_sim_parse_identity_rejects_bad),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
