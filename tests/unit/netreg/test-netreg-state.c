/* Unit tests for src/netreg/netreg-state.c: the change masks and the
 * family combination rule (inventory fd93dd8: any registered family wins). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "netreg/netreg-state.h"

static void test_netreg_status_from_stat_table(void **state) {
        assert_int_equal(netreg_status_from_stat(0), NETREG_STATUS_IDLE);
        assert_int_equal(netreg_status_from_stat(1), NETREG_STATUS_HOME);
        assert_int_equal(netreg_status_from_stat(2), NETREG_STATUS_SEARCHING);
        assert_int_equal(netreg_status_from_stat(3), NETREG_STATUS_DENIED);
        assert_int_equal(netreg_status_from_stat(4), NETREG_STATUS_UNKNOWN);
        assert_int_equal(netreg_status_from_stat(5), NETREG_STATUS_ROAMING);
        assert_int_equal(netreg_status_from_stat(6), NETREG_STATUS_HOME);
        assert_int_equal(netreg_status_from_stat(7), NETREG_STATUS_ROAMING);
        assert_int_equal(netreg_status_from_stat(8), NETREG_STATUS_DENIED);
        assert_int_equal(netreg_status_from_stat(11), NETREG_STATUS_UNKNOWN);
        assert_string_equal(netreg_status_to_string(NETREG_STATUS_ROAMING), "roaming");
        assert_string_equal(netreg_status_to_string(NETREG_STATUS_IDLE), "idle");
        assert_null(netreg_status_to_string(_NETREG_STATUS_MAX));
}

static void test_netreg_state_combine_registered_family_wins(void **state) {
        int none[_NETREG_FAMILY_MAX] = { -1, -1, -1 };
        int lte_only[_NETREG_FAMILY_MAX] = { 2, -1, 1 };
        int roam[_NETREG_FAMILY_MAX] = { 5, 0, 2 };
        int denied[_NETREG_FAMILY_MAX] = { 2, 3, 0 };
        int idle[_NETREG_FAMILY_MAX] = { 0, -1, 0 };
        int unknown_vs_idle[_NETREG_FAMILY_MAX] = { 0, 4, -1 };

        assert_int_equal(netreg_state_combine(none), NETREG_STATUS_UNKNOWN);
        assert_int_equal(netreg_state_combine(lte_only), NETREG_STATUS_HOME);
        assert_int_equal(netreg_state_combine(roam), NETREG_STATUS_ROAMING);
        assert_int_equal(netreg_state_combine(denied), NETREG_STATUS_DENIED);
        assert_int_equal(netreg_state_combine(idle), NETREG_STATUS_IDLE);
        assert_int_equal(netreg_state_combine(unknown_vs_idle), NETREG_STATUS_UNKNOWN);
}

static void test_netreg_state_setters_report_changes_once(void **state) {
        NetRegState s;

        assert_int_equal(netreg_state_init(&s), 0);
        assert_int_equal(s.status, NETREG_STATUS_UNKNOWN);
        assert_string_equal(s.operator_name, "");

        assert_int_equal(netreg_state_set_quality(&s, 65), NETREG_CHANGED_SIGNAL);
        assert_int_equal(netreg_state_set_quality(&s, 65), 0);
        assert_int_equal(netreg_state_set_quality(&s, 250), NETREG_CHANGED_SIGNAL);
        assert_int_equal(s.quality, 100);

        assert_int_equal(netreg_state_set_stat(&s, NETREG_FAMILY_CREG, 2), NETREG_CHANGED_REGISTRATION);
        assert_int_equal(s.status, NETREG_STATUS_SEARCHING);
        assert_int_equal(netreg_state_set_stat(&s, NETREG_FAMILY_CREG, 2), 0);
        assert_int_equal(netreg_state_set_stat(&s, NETREG_FAMILY_CEREG, 1), NETREG_CHANGED_REGISTRATION);
        assert_int_equal(s.status, NETREG_STATUS_HOME);
        /* CS moving from searching to idle does not change the combined status */
        assert_int_equal(netreg_state_set_stat(&s, NETREG_FAMILY_CREG, 0), 0);
        assert_int_equal(netreg_state_set_stat(&s, _NETREG_FAMILY_MAX, 1), 0);

        assert_int_equal(netreg_state_set_operator(&s, "Callstack Mobile"), NETREG_CHANGED_OPERATOR);
        assert_int_equal(netreg_state_set_operator(&s, "Callstack Mobile"), 0);
        assert_int_equal(netreg_state_set_operator(&s, NULL), NETREG_CHANGED_OPERATOR);
        assert_string_equal(s.operator_name, "");
        netreg_state_done(&s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_netreg_status_from_stat_table),
                cmocka_unit_test(test_netreg_state_combine_registered_family_wins),
                cmocka_unit_test(test_netreg_state_setters_report_changes_once),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
