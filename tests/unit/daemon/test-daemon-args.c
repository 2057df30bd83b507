/* Unit tests for src/daemon/daemon-args.c: defaults, repeatable --port,
 * bounds, and usage errors that name the option. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "daemon/daemon-args.h"

#define PARSE(a, err, ...)                                                                                   \
        ({                                                                                                  \
                char *_argv[] = { (char *)"callstackd", __VA_ARGS__, NULL };                                \
                daemon_args_parse((int)(sizeof(_argv) / sizeof(_argv[0])) - 1, _argv, (a), (err), sizeof(err)); \
        })

static void test_daemon_args_defaults(void **state) {
        DaemonArgs a;
        char err[256];
        char *argv[] = { (char *)"callstackd", NULL };

        assert_int_equal(daemon_args_parse(1, argv, &a, err, sizeof(err)), 0);
        assert_int_equal(a.action, DAEMON_ACTION_RUN);
        assert_null(a.ports);
        assert_null(a.state_dir);
        assert_null(a.bus_address);
        assert_int_equal(a.signal_interval, 30);
        assert_int_equal(a.log_level, LOG_LEVEL_INFO);
        assert_false(a.log_pii);
        daemon_args_done(&a);
}

static void test_daemon_args_all_options(void **state) {
        DaemonArgs a;
        char err[256];

        assert_int_equal(PARSE(&a, err, (char *)"--port", (char *)"/dev/ttyUSB2", (char *)"--port=/dev/ttyACM0",
                               (char *)"--state-dir", (char *)"/tmp/cs", (char *)"--log-level", (char *)"debug",
                               (char *)"--log-pii", (char *)"--signal-interval", (char *)"0",
                               (char *)"--bus-address", (char *)"unix:path=/tmp/bus"),
                         0);
        assert_string_equal(a.ports[0], "/dev/ttyUSB2");
        assert_string_equal(a.ports[1], "/dev/ttyACM0");
        assert_null(a.ports[2]);
        assert_string_equal(a.state_dir, "/tmp/cs");
        assert_int_equal(a.log_level, LOG_LEVEL_DEBUG);
        assert_true(a.log_pii);
        assert_int_equal(a.signal_interval, 0);
        assert_string_equal(a.bus_address, "unix:path=/tmp/bus");
        daemon_args_done(&a);

        assert_int_equal(PARSE(&a, err, (char *)"--help"), 0);
        assert_int_equal(a.action, DAEMON_ACTION_HELP);
        daemon_args_done(&a);
        assert_int_equal(PARSE(&a, err, (char *)"--version"), 0);
        assert_int_equal(a.action, DAEMON_ACTION_VERSION);
        daemon_args_done(&a);
}

static void test_daemon_args_errors_name_the_option(void **state) {
        static const struct {
                const char *arg, *value, *name;
        } cases[] = {
                { "--signal-interval", "86401", "--signal-interval" },
                { "--signal-interval", "-1", "--signal-interval" },
                { "--signal-interval", "30s", "--signal-interval" },
                { "--log-level", "chatty", "--log-level" },
                { "--port", "ttyUSB2", "--port" },
                { "--state-dir", "var/lib", "--state-dir" },
                { "--bus-address", "", "--bus-address" },
                { "--no-such-option", NULL, "--no-such-option" },
                { "stray", NULL, "stray" },
                { "--port", NULL, "--port" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                DaemonArgs a;
                char err[256];
                char *argv[] = { (char *)"callstackd", (char *)cases[i].arg, (char *)cases[i].value, NULL };
                int argc = cases[i].value ? 3 : 2;

                assert_int_equal(daemon_args_parse(argc, argv, &a, err, sizeof(err)), -EINVAL);
                if (!strstr(err, cases[i].name))
                        fail_msg("case %zu: '%s' does not name %s", i, err, cases[i].name);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_daemon_args_defaults),
                cmocka_unit_test(test_daemon_args_all_options),
                cmocka_unit_test(test_daemon_args_errors_name_the_option),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
