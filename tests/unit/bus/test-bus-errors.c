/* Unit tests for src/bus/bus-errors.c and bus-validate.c: the errno ->
 * D-Bus error table and the argument validators. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "bus/bus-errors.h"
#include "bus/bus-validate.h"

static void test_bus_error_table_names(void **state) {
        assert_string_equal(bus_error_name_from_errno(-EINVAL), "org.freedesktop.DBus.Error.InvalidArgs");
        assert_string_equal(bus_error_name_from_errno(-EACCES), "org.freedesktop.DBus.Error.AccessDenied");
        assert_string_equal(bus_error_name_from_errno(-EPERM), "org.freedesktop.DBus.Error.AccessDenied");
        assert_string_equal(bus_error_name_from_errno(-EBUSY), BUS_ERROR_BUSY);
        assert_string_equal(bus_error_name_from_errno(-ETIMEDOUT), BUS_ERROR_TIMEOUT);
        assert_string_equal(bus_error_name_from_errno(-EOPNOTSUPP), "org.freedesktop.DBus.Error.NotSupported");
        assert_string_equal(bus_error_name_from_errno(-ENODEV), "org.callstack.Error.WrongState");
        assert_string_equal(bus_error_name_from_errno(-EBADFD), "org.callstack.Error.WrongState");
        assert_string_equal(bus_error_name_from_errno(-EKEYREJECTED), "org.callstack.Error.IncorrectPin");
        assert_string_equal(bus_error_name_from_errno(-EIO), "org.callstack.Error.Failed");
        assert_string_equal(bus_error_name_from_errno(-ENOENT), "org.freedesktop.DBus.Error.UnknownObject");
        /* positive values are accepted too; unknown errno -> generic Failed */
        assert_string_equal(bus_error_name_from_errno(EINVAL), "org.freedesktop.DBus.Error.InvalidArgs");
        assert_string_equal(bus_error_name_from_errno(-EXDEV), "org.freedesktop.DBus.Error.Failed");
}

static void test_bus_error_set_errno_fills_error(void **state) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        assert_int_equal(bus_error_set_errno(&e, -ETIMEDOUT), -ETIMEDOUT);
        assert_string_equal(e.name, BUS_ERROR_TIMEOUT);
        assert_non_null(e.message);
        /* messages are constant text: no digits that could be a number or PIN */
        for (const char *p = e.message; *p; p++)
                assert_false(*p >= '0' && *p <= '9');
        sd_bus_error_free(&e);
        assert_int_equal(bus_error_set_errno(&e, 0), -EIO);
        sd_bus_error_free(&e);
}

static void test_bus_validate_at_command_rules(void **state) {
        char longcmd[BUS_COMMAND_MAX + 2];

        assert_int_equal(bus_validate_at_command("AT"), 0);
        assert_int_equal(bus_validate_at_command("AT+CSQ"), 0);
        assert_int_equal(bus_validate_at_command("at+cgmi"), 0);
        assert_int_equal(bus_validate_at_command("AT+COPS=1,2,\"00101\""), 0);
        assert_int_equal(bus_validate_at_command(""), -EINVAL);
        assert_int_equal(bus_validate_at_command("A"), -EINVAL);
        assert_int_equal(bus_validate_at_command("ATD+15555550123;\r"), -EINVAL);
        assert_int_equal(bus_validate_at_command("AT\nAT+CMGD=1,4"), -EINVAL);
        assert_int_equal(bus_validate_at_command("AT+CMGS=\"1\"\x1a"), -EINVAL);
        assert_int_equal(bus_validate_at_command("AT\x1b"), -EINVAL);
        assert_int_equal(bus_validate_at_command("+CSQ"), -EINVAL);
        assert_int_equal(bus_validate_at_command(" AT"), -EINVAL);
        assert_int_equal(bus_validate_at_command("AT\xc3\xa9"), -EINVAL);
        assert_int_equal(bus_validate_at_command(NULL), -EINVAL);
        memset(longcmd, 'A', sizeof(longcmd) - 1);
        longcmd[1] = 'T';
        longcmd[sizeof(longcmd) - 1] = '\0';
        assert_int_equal(bus_validate_at_command(longcmd), -EINVAL);
        longcmd[BUS_COMMAND_MAX] = '\0';
        assert_int_equal(bus_validate_at_command(longcmd), 0);
}

static void test_bus_validate_command_timeout_bounds(void **state) {
        uint64_t usec = 1;
        assert_int_equal(bus_validate_command_timeout(0, &usec), 0);
        assert_int_equal(usec, 5000000);
        assert_int_equal(bus_validate_command_timeout(1, &usec), 0);
        assert_int_equal(usec, 1000);
        assert_int_equal(bus_validate_command_timeout(300000, &usec), 0);
        assert_int_equal(usec, 300000000ULL);
        assert_int_equal(bus_validate_command_timeout(300001, &usec), -EINVAL);
        assert_int_equal(bus_validate_command_timeout(UINT32_MAX, &usec), -EINVAL);
        assert_int_equal(usec, 300000000ULL);
}

static void test_bus_modem_path_parse_strict(void **state) {
        uint32_t id = 99;
        char buf[BUS_MODEM_PATH_MAX];

        assert_int_equal(bus_modem_path_parse("/org/callstack/Modem/0", &id), 0);
        assert_int_equal(id, 0);
        assert_int_equal(bus_modem_path_parse("/org/callstack/Modem/4294967295", &id), 0);
        assert_int_equal(id, UINT32_MAX);
        assert_int_equal(bus_modem_path_parse("/org/callstack/Modem/4294967296", &id), -EINVAL);
        assert_int_equal(bus_modem_path_parse("/org/callstack/Modem/01", &id), -EINVAL);
        assert_int_equal(bus_modem_path_parse("/org/callstack/Modem/", &id), -EINVAL);
        assert_int_equal(bus_modem_path_parse("/org/callstack/Modem/1/x", &id), -EINVAL);
        assert_int_equal(bus_modem_path_parse("/org/callstack/Modem", &id), -EINVAL);
        assert_int_equal(bus_modem_path_parse("/org/callstack/SMS/1", &id), -EINVAL);
        assert_int_equal(id, UINT32_MAX);
        assert_string_equal(bus_modem_path(7, buf), "/org/callstack/Modem/7");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bus_error_table_names),
                cmocka_unit_test(test_bus_error_set_errno_fills_error),
                cmocka_unit_test(test_bus_validate_at_command_rules),
                cmocka_unit_test(test_bus_validate_command_timeout_bounds),
                cmocka_unit_test(test_bus_modem_path_parse_strict),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
