/* Command-line parsing for callstackd, see daemon-args.h. */
#include "daemon/daemon-args.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util/cleanup.h"
#include "util/strutil.h"

enum {
        ARG_PORT = 0x100,
        ARG_STATE_DIR,
        ARG_LOG_LEVEL,
        ARG_LOG_PII,
        ARG_SIGNAL_INTERVAL,
        ARG_BUS_ADDRESS,
        ARG_VERSION,
        ARG_NO_HOTPLUG,
        ARG_SETTLE_MS,
        ARG_PROBE_TIMEOUT_MS,
        ARG_PROFILES_DIR,
        ARG_SMS_GROUP_MAX_AGE,
};

static const struct option options[] = {
        { "port", required_argument, NULL, ARG_PORT },
        { "state-dir", required_argument, NULL, ARG_STATE_DIR },
        { "log-level", required_argument, NULL, ARG_LOG_LEVEL },
        { "log-pii", no_argument, NULL, ARG_LOG_PII },
        { "signal-interval", required_argument, NULL, ARG_SIGNAL_INTERVAL },
        { "bus-address", required_argument, NULL, ARG_BUS_ADDRESS },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, ARG_VERSION },
        { "no-hotplug", no_argument, NULL, ARG_NO_HOTPLUG },
        { "settle-ms", required_argument, NULL, ARG_SETTLE_MS },
        { "probe-timeout-ms", required_argument, NULL, ARG_PROBE_TIMEOUT_MS },
        { "profiles-dir", required_argument, NULL, ARG_PROFILES_DIR },
        { "sms-group-max-age", required_argument, NULL, ARG_SMS_GROUP_MAX_AGE },
        {},
};

void daemon_args_help(const char *program) {
        printf("Usage: %s [OPTIONS]\n"
               "\n"
               "The callstack service: owns cellular modems and offers them on the D-Bus\n"
               "system bus as org.callstack, with polkit deciding who may do what.\n"
               "\n"
               "  --port PATH             add a modem by its AT port, without udev (repeatable)\n"
               "  --state-dir DIR         state directory (default $STATE_DIRECTORY, else\n"
               "                          %s)\n"
               "  --log-level LEVEL       err, warning, notice, info (default) or debug\n"
               "  --log-pii               show phone numbers, texts and identities in logs\n"
               "  --signal-interval SECS  signal quality poll interval, 0 disables (default %d)\n"
               "  --bus-address ADDRESS   connect to this bus instead of the system bus\n"
               "  --no-hotplug            do not follow udev; only the --port modems\n"
               "  --settle-ms MS          wait for a new USB modem's sibling ports (default 100)\n"
               "  --probe-timeout-ms MS   per-command timeout of the port probe (default 400)\n"
               "  --profiles-dir DIR      capability profiles looked up first (default\n"
               "                          $CALLSTACK_PROFILES_DIR), then\n"
               "                          %s,\n"
               "                          %s\n"
               "  --sms-group-max-age SECS  publish an incomplete multipart SMS as partial\n"
               "                          after this long (default 86400)\n"
               "  -h, --help              show this help\n"
               "  --version               show the version\n",
               program, CALLSTACK_STATE_DIR, DAEMON_SIGNAL_INTERVAL_DEFAULT, CALLSTACK_PROFILES_ETC_DIR,
               CALLSTACK_PROFILES_DIR);
}

static int add_port(DaemonArgs *a, const char *path) {
        size_t n = 0;
        char **l;

        while (a->ports && a->ports[n])
                n++;
        l = realloc(a->ports, (n + 2) * sizeof(char *));
        if (!l)
                return -ENOMEM;
        a->ports = l;
        l[n] = strdup(path);
        l[n + 1] = NULL;
        return l[n] ? 0 : -ENOMEM;
}

static int set_string(char **slot, const char *v) {
        char *c = strdup(v);
        if (!c)
                return -ENOMEM;
        free(*slot);
        *slot = c;
        return 0;
}

int daemon_args_parse(int argc, char **argv, DaemonArgs *ret, char *err, size_t err_size) {
        DaemonArgs a = {
                .action = DAEMON_ACTION_RUN,
                .log_level = LOG_LEVEL_INFO,
                .signal_interval = DAEMON_SIGNAL_INTERVAL_DEFAULT,
        };
        long v;
        int c, r = 0;

        err[0] = '\0';
        optind = 0; /* full reset, also of GNU extensions: parse may run twice in tests */
        opterr = 0;
        while (r >= 0 && (c = getopt_long(argc, argv, ":h", options, NULL)) >= 0) {
                switch (c) {
                case ARG_PORT:
                        if (optarg[0] != '/') {
                                snprintf(err, err_size, "--port: expected an absolute device path");
                                r = -EINVAL;
                        } else
                                r = add_port(&a, optarg);
                        break;
                case ARG_STATE_DIR:
                        if (optarg[0] != '/') {
                                snprintf(err, err_size, "--state-dir: expected an absolute path");
                                r = -EINVAL;
                        } else
                                r = set_string(&a.state_dir, optarg);
                        break;
                case ARG_LOG_LEVEL:
                        if (log_level_from_string(optarg, &a.log_level) < 0) {
                                snprintf(err, err_size, "--log-level: expected err, warning, notice, info or debug");
                                r = -EINVAL;
                        }
                        break;
                case ARG_LOG_PII:
                        a.log_pii = true;
                        break;
                case ARG_SIGNAL_INTERVAL:
                        if (safe_atoi_range(optarg, 0, DAEMON_SIGNAL_INTERVAL_MAX, &v) < 0) {
                                snprintf(err, err_size, "--signal-interval: expected whole seconds from 0 to %d",
                                         DAEMON_SIGNAL_INTERVAL_MAX);
                                r = -EINVAL;
                        } else
                                a.signal_interval = (uint32_t)v;
                        break;
                case ARG_BUS_ADDRESS:
                        if (optarg[0] == '\0') {
                                snprintf(err, err_size, "--bus-address: expected a D-Bus address");
                                r = -EINVAL;
                        } else
                                r = set_string(&a.bus_address, optarg);
                        break;
                case ARG_NO_HOTPLUG:
                        a.no_hotplug = true;
                        break;
                case ARG_SETTLE_MS:
                        if (safe_atoi_range(optarg, 1, 10000, &v) < 0) {
                                snprintf(err, err_size, "--settle-ms: expected milliseconds from 1 to 10000");
                                r = -EINVAL;
                        } else
                                a.settle_ms = (uint32_t)v;
                        break;
                case ARG_PROBE_TIMEOUT_MS:
                        if (safe_atoi_range(optarg, 50, 10000, &v) < 0) {
                                snprintf(err, err_size, "--probe-timeout-ms: expected milliseconds from 50 to 10000");
                                r = -EINVAL;
                        } else
                                a.probe_timeout_ms = (uint32_t)v;
                        break;
                case ARG_PROFILES_DIR:
                        if (optarg[0] != '/') {
                                snprintf(err, err_size, "--profiles-dir: expected an absolute path");
                                r = -EINVAL;
                        } else
                                r = set_string(&a.profiles_dir, optarg);
                        break;
                case ARG_SMS_GROUP_MAX_AGE:
                        if (safe_atoi_range(optarg, 1, 365L * 86400, &v) < 0) {
                                snprintf(err, err_size, "--sms-group-max-age: expected whole seconds from 1 to 31536000");
                                r = -EINVAL;
                        } else
                                a.sms_group_max_age = (uint32_t)v;
                        break;
                case 'h':
                        a.action = DAEMON_ACTION_HELP;
                        break;
                case ARG_VERSION:
                        a.action = DAEMON_ACTION_VERSION;
                        break;
                case ':':
                        snprintf(err, err_size, "%s: missing argument", argv[optind - 1]);
                        r = -EINVAL;
                        break;
                default:
                        if (optopt > 0 && optopt < 0x100)
                                snprintf(err, err_size, "-%c: unknown option", optopt);
                        else
                                snprintf(err, err_size, "%s: unknown option", argv[optind - 1]);
                        r = -EINVAL;
                        break;
                }
        }
        if (r >= 0 && optind < argc) {
                snprintf(err, err_size, "%s: unexpected argument", argv[optind]);
                r = -EINVAL;
        }
        if (r == -ENOMEM)
                snprintf(err, err_size, "out of memory");
        if (r < 0) {
                daemon_args_done(&a);
                return r;
        }
        *ret = a;
        return 0;
}

void daemon_args_done(DaemonArgs *a) {
        strv_free(a->ports);
        a->ports = NULL;
        free(a->state_dir);
        a->state_dir = NULL;
        free(a->bus_address);
        a->bus_address = NULL;
        free(a->profiles_dir);
        a->profiles_dir = NULL;
}
