/* Unit tests for src/modem/modem-state.c and modem-identity.c: the State
 * derivation and the probe's identity strings (real replies of SIM7600,
 * Quectel EC25 and Huawei ME909). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>

#include "modem/modem-identity.h"
#include "modem/modem-state.h"

static ModemState derive(bool gone, bool failed, bool known, SimState sim, NetRegStatus reg) {
        ModemFacts f = { .gone = gone, .failed = failed, .sim_known = known, .sim = sim, .registration = reg };
        return modem_state_derive(&f);
}

static void test_modem_state_derive_lifecycle(void **state) {
        assert_int_equal(derive(false, false, false, SIM_STATE_UNKNOWN, NETREG_STATUS_UNKNOWN), MODEM_STATE_PROBING);
        assert_int_equal(derive(false, false, true, SIM_STATE_PIN_REQUIRED, NETREG_STATUS_SEARCHING),
                         MODEM_STATE_LOCKED);
        assert_int_equal(derive(false, false, true, SIM_STATE_PUK_REQUIRED, NETREG_STATUS_IDLE), MODEM_STATE_LOCKED);
        assert_int_equal(derive(false, false, true, SIM_STATE_READY, NETREG_STATUS_SEARCHING), MODEM_STATE_READY);
        assert_int_equal(derive(false, false, true, SIM_STATE_READY, NETREG_STATUS_HOME), MODEM_STATE_REGISTERED);
        assert_int_equal(derive(false, false, true, SIM_STATE_READY, NETREG_STATUS_ROAMING), MODEM_STATE_REGISTERED);
        assert_int_equal(derive(false, false, true, SIM_STATE_UNKNOWN, NETREG_STATUS_UNKNOWN), MODEM_STATE_READY);
        assert_int_equal(derive(false, false, true, SIM_STATE_ABSENT, NETREG_STATUS_UNKNOWN), MODEM_STATE_FAILED);
        assert_int_equal(derive(false, true, false, SIM_STATE_UNKNOWN, NETREG_STATUS_UNKNOWN), MODEM_STATE_FAILED);
        /* gone beats everything, even a registered modem */
        assert_int_equal(derive(true, false, true, SIM_STATE_READY, NETREG_STATUS_HOME), MODEM_STATE_GONE);
        /* locked while the network already reports home (emergency registration) stays locked */
        assert_int_equal(derive(false, false, true, SIM_STATE_PIN_REQUIRED, NETREG_STATUS_HOME), MODEM_STATE_LOCKED);
}

static void test_modem_state_to_string_names(void **state) {
        assert_string_equal(modem_state_to_string(MODEM_STATE_PROBING), "probing");
        assert_string_equal(modem_state_to_string(MODEM_STATE_REGISTERED), "registered");
        assert_string_equal(modem_state_to_string(MODEM_STATE_GONE), "gone");
        assert_null(modem_state_to_string(_MODEM_STATE_MAX));
}

static void test_modem_identity_sim7600_lines(void **state) {
        char *v = NULL;
        const char *cgmi[] = { "SIMCOM INCORPORATED" };
        const char *cgmm[] = { "SIMCOM_SIM7600E-H" };
        const char *cgmr[] = { "+CGMR: LE20B04SIM7600M22" };

        assert_int_equal(modem_identity_from_lines(MODEM_IDENTITY_MANUFACTURER, cgmi, 1, &v), 0);
        assert_string_equal(v, "SIMCOM INCORPORATED");
        free(v);
        assert_int_equal(modem_identity_from_lines(MODEM_IDENTITY_MODEL, cgmm, 1, &v), 0);
        assert_string_equal(v, "SIMCOM_SIM7600E-H");
        free(v);
        assert_int_equal(modem_identity_from_lines(MODEM_IDENTITY_REVISION, cgmr, 1, &v), 0);
        assert_string_equal(v, "LE20B04SIM7600M22");
        free(v);
}

static void test_modem_identity_quectel_and_huawei_lines(void **state) {
        char *v = NULL;
        const char *ec25_rev[] = { "Revision: EC25EFAR06A06M4G" };
        const char *me909_cgmi[] = { "+CGMI: \"Huawei Technologies Co., Ltd.\"" };
        const char *blank_then[] = { "", "  Quectel  " };

        assert_int_equal(modem_identity_from_lines(MODEM_IDENTITY_REVISION, ec25_rev, 1, &v), 0);
        assert_string_equal(v, "EC25EFAR06A06M4G");
        free(v);
        assert_int_equal(modem_identity_from_lines(MODEM_IDENTITY_MANUFACTURER, me909_cgmi, 1, &v), 0);
        assert_string_equal(v, "Huawei Technologies Co., Ltd.");
        free(v);
        assert_int_equal(modem_identity_from_lines(MODEM_IDENTITY_MANUFACTURER, blank_then, 2, &v), 0);
        assert_string_equal(v, "Quectel");
        free(v);
}

static void test_modem_identity_never_takes_serials(void **state) {
        char *v = (char *)"untouched";
        const char *imei_line[] = { "490154203237518" };
        const char *ati[] = { "Quectel", "EC25", "IMEI: 490154203237518", "Revision: EC25EFAR06A06M4G" };

        assert_int_equal(modem_identity_from_lines(MODEM_IDENTITY_MODEL, imei_line, 1, &v), -ENOENT);
        assert_string_equal(v, "untouched");
        assert_int_equal(modem_identity_from_ati(MODEM_IDENTITY_MANUFACTURER, ati, 4, &v), 0);
        assert_string_equal(v, "Quectel");
        free(v);
        assert_int_equal(modem_identity_from_ati(MODEM_IDENTITY_MODEL, ati, 4, &v), 0);
        assert_string_equal(v, "EC25");
        free(v);
        assert_int_equal(modem_identity_from_ati(MODEM_IDENTITY_REVISION, ati, 4, &v), 0);
        assert_string_equal(v, "EC25EFAR06A06M4G");
        free(v);
        assert_int_equal(modem_identity_from_ati(MODEM_IDENTITY_MODEL, ati, 1, &v), -ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_modem_state_derive_lifecycle),
                cmocka_unit_test(test_modem_state_to_string_names),
                cmocka_unit_test(test_modem_identity_sim7600_lines),
                cmocka_unit_test(test_modem_identity_quectel_and_huawei_lines),
                cmocka_unit_test(test_modem_identity_never_takes_serials),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
