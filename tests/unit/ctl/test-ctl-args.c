/* Unit tests of callstackctl's command line (src/ctl/ctl-args.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/ctl-args.h"
#include "util/cleanup.h"

/* Parses a NULL-terminated list of arguments (argv[0] added); the copy
 * lives in static storage because CtlArgs borrows from it. */
static char *argv_buf[32];
static char err[256];

static int parse(CtlArgs *a, ...) {
        va_list ap;
        int argc = 0;

        for (int i = 0; argv_buf[i]; i++) {
                free(argv_buf[i]);
                argv_buf[i] = NULL;
        }
        argv_buf[argc++] = strdup("callstackctl");
        va_start(ap, a);
        for (const char *s; (s = va_arg(ap, const char *));)
                argv_buf[argc++] = strdup(s);
        va_end(ap);
        argv_buf[argc] = NULL;
        return ctl_args_parse(argc, argv_buf, a, err, sizeof(err));
}

static void test_ctl_args_parse_list_defaults(void **state) {
        CtlArgs a;

        assert_int_equal(parse(&a, "list", NULL), 0);
        assert_int_equal(a.verb, CTL_VERB_LIST);
        assert_null(a.bus_address);
        assert_false(a.json);
        assert_true(a.ask_password);
        assert_int_equal(a.n_args, 0);
}

static void test_ctl_args_parse_options_before_and_after_verb(void **state) {
        CtlArgs a;

        assert_int_equal(parse(&a, "--bus-address", "unix:path=/tmp/x", "show", "3", "--json", NULL), 0);
        assert_int_equal(a.verb, CTL_VERB_SHOW);
        assert_string_equal(a.bus_address, "unix:path=/tmp/x");
        assert_true(a.json);
        assert_int_equal(a.n_args, 1);
        assert_string_equal(a.args[0], "3");

        assert_int_equal(parse(&a, "show", "--bus-address=unix:path=/b", "-j", NULL), 0);
        assert_string_equal(a.bus_address, "unix:path=/b");
        assert_true(a.json);
        assert_int_equal(a.n_args, 0);

        assert_int_equal(parse(&a, "--bus-address", "unix:path=/a", "--system", "list", NULL), 0);
        assert_null(a.bus_address);
}

static void test_ctl_args_parse_at_timeout(void **state) {
        CtlArgs a;

        assert_int_equal(parse(&a, "at", "0", "AT+CSQ", "--timeout", "1500", NULL), 0);
        assert_int_equal(a.verb, CTL_VERB_AT);
        assert_true(a.timeout_set);
        assert_int_equal(a.timeout_ms, 1500);
        assert_int_equal(a.n_args, 2);
        assert_string_equal(a.args[0], "0");
        assert_string_equal(a.args[1], "AT+CSQ");

        assert_int_equal(parse(&a, "at", "--timeout=0", "ATI", NULL), 0);
        assert_int_equal(a.timeout_ms, 0);
        assert_int_equal(a.n_args, 1);

        assert_int_equal(parse(&a, "at", "ATI", "--timeout", "300001", NULL), -EINVAL);
        assert_non_null(strstr(err, "--timeout"));
        assert_int_equal(parse(&a, "at", "ATI", "--timeout", "-5", NULL), -EINVAL);
        assert_int_equal(parse(&a, "at", "ATI", "--timeout", NULL), -EINVAL);
        assert_int_equal(parse(&a, "show", "--timeout", "10", NULL), -EINVAL);
        assert_non_null(strstr(err, "takes no --timeout"));
}

static void test_ctl_args_parse_pin_dash_is_positional(void **state) {
        CtlArgs a;

        assert_int_equal(parse(&a, "pin", "-", "1", NULL), 0);
        assert_int_equal(a.verb, CTL_VERB_PIN);
        assert_int_equal(a.n_args, 2);
        assert_string_equal(a.args[0], "-");
        assert_string_equal(a.args[1], "1");
        assert_int_equal(ctl_args_check(&a, err, sizeof(err)), 0);
}

static void test_ctl_args_parse_usage_errors(void **state) {
        CtlArgs a;

        assert_int_equal(parse(&a, NULL), -EINVAL);
        assert_non_null(strstr(err, "missing command"));
        assert_int_equal(parse(&a, "frobnicate", NULL), -EINVAL);
        assert_non_null(strstr(err, "unknown command 'frobnicate'"));
        assert_int_equal(parse(&a, "list", "extra", NULL), -EINVAL);
        assert_int_equal(parse(&a, "show", "1", "2", NULL), -EINVAL);
        assert_int_equal(parse(&a, "pin", NULL), -EINVAL);
        assert_int_equal(parse(&a, "at", NULL), -EINVAL);
        assert_int_equal(parse(&a, "--bogus", "list", NULL), -EINVAL);
        assert_int_equal(parse(&a, "list", "--bogus", NULL), -EINVAL);
        assert_non_null(strstr(err, "--bogus"));
        assert_int_equal(parse(&a, "--bus-address", NULL), -EINVAL);
        assert_int_equal(parse(&a, "--json", "doctor", NULL), -EINVAL);
        assert_non_null(strstr(err, "'doctor' has no --json output"));
        assert_int_equal(parse(&a, "sms", NULL), -EINVAL);
        assert_non_null(strstr(err, "send, list, read, delete or watch"));
        assert_int_equal(parse(&a, "doctor", "--direct", NULL), 0);
}

static void test_ctl_args_parse_help_and_version(void **state) {
        CtlArgs a;

        assert_int_equal(parse(&a, "--help", NULL), 0);
        assert_int_equal(a.verb, CTL_VERB_HELP);
        assert_int_equal(parse(&a, "-h", "list", NULL), 0);
        assert_int_equal(a.verb, CTL_VERB_HELP);
        assert_int_equal(parse(&a, "show", "--help", NULL), 0);
        assert_int_equal(a.verb, CTL_VERB_HELP);
        assert_int_equal(parse(&a, "help", NULL), 0);
        assert_int_equal(a.verb, CTL_VERB_HELP);
        assert_int_equal(parse(&a, "--version", NULL), 0);
        assert_int_equal(a.verb, CTL_VERB_VERSION);
}

static void test_ctl_args_parse_double_dash_ends_options(void **state) {
        CtlArgs a;

        assert_int_equal(parse(&a, "at", "--", "AT+CMGF=1", NULL), 0);
        assert_int_equal(a.n_args, 1);
        assert_string_equal(a.args[0], "AT+CMGF=1");
}

static void test_ctl_modem_path_from_spec_index_and_path(void **state) {
        _cleanup_free_ char *p1 = NULL, *p2 = NULL;
        char *p = NULL;

        assert_int_equal(ctl_modem_path_from_spec("0", &p1), 0);
        assert_string_equal(p1, "/org/callstack/Modem/0");
        assert_int_equal(ctl_modem_path_from_spec("/org/callstack/Modem/12", &p2), 0);
        assert_string_equal(p2, "/org/callstack/Modem/12");

        assert_int_equal(ctl_modem_path_from_spec("", &p), -EINVAL);
        assert_int_equal(ctl_modem_path_from_spec("-1", &p), -EINVAL);
        assert_int_equal(ctl_modem_path_from_spec("+1", &p), -EINVAL);
        assert_int_equal(ctl_modem_path_from_spec("01", &p), -EINVAL);
        assert_int_equal(ctl_modem_path_from_spec("1a", &p), -EINVAL);
        assert_int_equal(ctl_modem_path_from_spec("99999999999", &p), -EINVAL);
        assert_int_equal(ctl_modem_path_from_spec("/org/callstack/SMS/1", &p), -EINVAL);
        assert_int_equal(ctl_modem_path_from_spec("/org/callstack/Modem/", &p), -EINVAL);
        assert_int_equal(ctl_modem_path_from_spec("/org/callstack/Modem/1/x", &p), -EINVAL);
        assert_null(p);
}

static void test_ctl_pin_is_valid_ts_31_101_lengths(void **state) {
        assert_true(ctl_pin_is_valid("1234"));
        assert_true(ctl_pin_is_valid("12345678"));
        assert_false(ctl_pin_is_valid("123"));
        assert_false(ctl_pin_is_valid("123456789"));
        assert_false(ctl_pin_is_valid("12a4"));
        assert_false(ctl_pin_is_valid("1234\n"));
        assert_false(ctl_pin_is_valid(""));
        assert_false(ctl_pin_is_valid(NULL));
}

static void test_ctl_chomp_strips_one_line_end(void **state) {
        char a[] = "1234\n", b[] = "1234\r\n", c[] = "1234", d[] = "";

        ctl_chomp(a);
        ctl_chomp(b);
        ctl_chomp(c);
        ctl_chomp(d);
        assert_string_equal(a, "1234");
        assert_string_equal(b, "1234");
        assert_string_equal(c, "1234");
        assert_string_equal(d, "");
}

static void test_ctl_args_check_rejects_bad_arguments_before_the_bus(void **state) {
        CtlArgs a;

        assert_int_equal(parse(&a, "pin", "12", NULL), 0);
        assert_int_equal(ctl_args_check(&a, err, sizeof(err)), -EINVAL);
        assert_non_null(strstr(err, "4 to 8 digits"));
        /* The PIN itself is never echoed in the error. */
        assert_null(strstr(err, "12 "));

        assert_int_equal(parse(&a, "pin", "1234", "x", NULL), 0);
        assert_int_equal(ctl_args_check(&a, err, sizeof(err)), -EINVAL);
        assert_int_equal(parse(&a, "show", "/org/callstack/Call/1", NULL), 0);
        assert_int_equal(ctl_args_check(&a, err, sizeof(err)), -EINVAL);
        assert_int_equal(parse(&a, "at", "CSQ", NULL), 0);
        assert_int_equal(ctl_args_check(&a, err, sizeof(err)), -EINVAL);
        assert_int_equal(parse(&a, "at", "AT+CMGD=1\rAT+CFUN=0", NULL), 0);
        assert_int_equal(ctl_args_check(&a, err, sizeof(err)), -EINVAL);
        assert_int_equal(parse(&a, "at", "1", "at+csq", NULL), 0);
        assert_int_equal(ctl_args_check(&a, err, sizeof(err)), 0);
        assert_int_equal(parse(&a, "identity", "2", NULL), 0);
        assert_int_equal(ctl_args_check(&a, err, sizeof(err)), 0);
}

static void test_ctl_exit_code_from_error_table(void **state) {
        assert_int_equal(ctl_exit_code_from_error("org.freedesktop.DBus.Error.AccessDenied"), CTL_EXIT_DENIED);
        assert_int_equal(ctl_exit_code_from_error("org.freedesktop.DBus.Error.ServiceUnknown"),
                         CTL_EXIT_UNREACHABLE);
        assert_int_equal(ctl_exit_code_from_error("org.freedesktop.DBus.Error.NameHasNoOwner"),
                         CTL_EXIT_UNREACHABLE);
        assert_int_equal(ctl_exit_code_from_error("org.freedesktop.DBus.Error.InvalidArgs"), CTL_EXIT_USAGE);
        assert_int_equal(ctl_exit_code_from_error("org.callstack.Error.IncorrectPin"), CTL_EXIT_FAILURE);
        assert_int_equal(ctl_exit_code_from_error(NULL), CTL_EXIT_FAILURE);
}

static void test_ctl_verb_polkit_actions_match_design(void **state) {
        assert_string_equal(ctl_verb_polkit_action(CTL_VERB_IDENTITY), "org.callstack.modem.identity");
        assert_string_equal(ctl_verb_polkit_action(CTL_VERB_PIN), "org.callstack.modem.control");
        assert_string_equal(ctl_verb_polkit_action(CTL_VERB_AT), "org.callstack.modem.command");
        assert_null(ctl_verb_polkit_action(CTL_VERB_LIST));
        assert_null(ctl_verb_polkit_action(CTL_VERB_MONITOR));
        assert_string_equal(ctl_verb_denial_phrase(CTL_VERB_IDENTITY), "read identity");
}

static void test_ctl_at_exit_code_last_line(void **state) {
        assert_int_equal(ctl_at_exit_code("+CSQ: 20,99\nOK"), 0);
        assert_int_equal(ctl_at_exit_code("OK"), 0);
        assert_int_equal(ctl_at_exit_code("OK\n"), 0);
        assert_int_equal(ctl_at_exit_code("ERROR"), 1);
        assert_int_equal(ctl_at_exit_code("+CME ERROR: 10"), 1);
        assert_int_equal(ctl_at_exit_code("OK\n+CME ERROR: 10"), 1);
        assert_int_equal(ctl_at_exit_code("NOT OK"), 1);
        assert_int_equal(ctl_at_exit_code(""), 1);
        assert_int_equal(ctl_at_exit_code(NULL), 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ctl_args_parse_list_defaults),
                cmocka_unit_test(test_ctl_args_parse_options_before_and_after_verb),
                cmocka_unit_test(test_ctl_args_parse_at_timeout),
                cmocka_unit_test(test_ctl_args_parse_pin_dash_is_positional),
                cmocka_unit_test(test_ctl_args_parse_usage_errors),
                cmocka_unit_test(test_ctl_args_parse_help_and_version),
                cmocka_unit_test(test_ctl_args_parse_double_dash_ends_options),
                cmocka_unit_test(test_ctl_modem_path_from_spec_index_and_path),
                cmocka_unit_test(test_ctl_pin_is_valid_ts_31_101_lengths),
                cmocka_unit_test(test_ctl_chomp_strips_one_line_end),
                cmocka_unit_test(test_ctl_args_check_rejects_bad_arguments_before_the_bus),
                cmocka_unit_test(test_ctl_exit_code_from_error_table),
                cmocka_unit_test(test_ctl_verb_polkit_actions_match_design),
                cmocka_unit_test(test_ctl_at_exit_code_last_line),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        for (int i = 0; argv_buf[i]; i++)
                free(argv_buf[i]);
        return r;
}
