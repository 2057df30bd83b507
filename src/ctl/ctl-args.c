/* callstackctl's command line and the pure rules on its arguments.  Shell
 * conventions: exit 2 on usage errors, options anywhere, `--` ends them. */
#include "ctl/ctl-args.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/strutil.h"

#define MODEM_PATH_PREFIX "/org/callstack/Modem/"

static bool isempty_str(const char *s) {
        return !s || s[0] == '\0';
}

typedef struct VerbInfo {
        const char *name;
        size_t min_args;
        size_t max_args;
        bool takes_timeout;
        const char *polkit_action;
        const char *denial_phrase;
} VerbInfo;

static const VerbInfo verb_table[_CTL_VERB_MAX] = {
        [CTL_VERB_LIST] = { "list", 0, 0, false, NULL, NULL },
        [CTL_VERB_SHOW] = { "show", 0, 1, false, NULL, NULL },
        [CTL_VERB_IDENTITY] = { "identity", 0, 1, false, "org.callstack.modem.identity", "read identity" },
        [CTL_VERB_PIN] = { "pin", 1, 2, false, "org.callstack.modem.control", "unlock the SIM" },
        [CTL_VERB_AT] = { "at", 1, 2, true, "org.callstack.modem.command", "send raw AT commands" },
        [CTL_VERB_MONITOR] = { "monitor", 0, 0, false, NULL, NULL },
        [CTL_VERB_DOCTOR] = { "doctor", 0, 1, false, NULL, NULL },
        [CTL_VERB_SMS] = { "sms", 1, 3, false, "org.callstack.sms.read", "read messages" },
};

const char *ctl_verb_to_string(CtlVerb v) {
        if (v < 0 || v >= _CTL_VERB_MAX)
                return NULL;
        return verb_table[v].name;
}

int ctl_verb_from_string(const char *s, CtlVerb *ret) {
        if (!s)
                return -EINVAL;
        for (int i = 0; i < _CTL_VERB_MAX; i++)
                if (streq(verb_table[i].name, s)) {
                        *ret = (CtlVerb)i;
                        return 0;
                }
        return -EINVAL;
}

const char *ctl_verb_polkit_action(CtlVerb v) {
        if (v < 0 || v >= _CTL_VERB_MAX)
                return NULL;
        return verb_table[v].polkit_action;
}

const char *ctl_verb_denial_phrase(CtlVerb v) {
        if (v < 0 || v >= _CTL_VERB_MAX)
                return NULL;
        return verb_table[v].denial_phrase;
}

static int usage_error(char *err, size_t err_size, const char *fmt, ...) _printf_(3, 4);
static int usage_error(char *err, size_t err_size, const char *fmt, ...) {
        va_list ap;

        if (err && err_size > 0) {
                va_start(ap, fmt);
                vsnprintf(err, err_size, fmt, ap);
                va_end(ap);
        }
        return -EINVAL;
}

enum {
        ARG_VERSION = 0x100,
        ARG_BUS_ADDRESS,
        ARG_SYSTEM,
        ARG_TIMEOUT,
        ARG_NO_ASK_PASSWORD,
};

int ctl_args_parse(int argc, char **argv, CtlArgs *ret, char *err, size_t err_size) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "bus-address", required_argument, NULL, ARG_BUS_ADDRESS },
                { "system", no_argument, NULL, ARG_SYSTEM },
                { "json", no_argument, NULL, 'j' },
                { "timeout", required_argument, NULL, ARG_TIMEOUT },
                { "no-ask-password", no_argument, NULL, ARG_NO_ASK_PASSWORD },
                {},
        };
        CtlArgs a = { .ask_password = true };
        bool help = false, version = false;
        int c;

        if (err && err_size > 0)
                err[0] = '\0';

        optind = 0; /* GNU: full re-initialisation, so tests can parse twice */
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+hj", options, NULL)) >= 0) {
                /* "+" stops at the verb; the verb's own options are parsed
                 * below, so a PIN or AT string is never taken for an option. */
                switch (c) {
                case 'h':
                        help = true;
                        break;
                case ARG_VERSION:
                        version = true;
                        break;
                case ARG_BUS_ADDRESS:
                        if (isempty_str(optarg))
                                return usage_error(err, err_size, "--bus-address needs an address");
                        a.bus_address = optarg;
                        break;
                case ARG_SYSTEM:
                        a.bus_address = NULL;
                        break;
                case 'j':
                        a.json = true;
                        break;
                case ARG_NO_ASK_PASSWORD:
                        a.ask_password = false;
                        break;
                case ARG_TIMEOUT: {
                        uint32_t v;
                        if (safe_atou32(optarg, &v) < 0 || v > 300000)
                                return usage_error(err, err_size,
                                                   "--timeout must be milliseconds, 0 to 300000");
                        a.timeout_ms = v;
                        a.timeout_set = true;
                        break;
                }
                case '?':
                default:
                        if (optopt && optopt < 0x100)
                                return usage_error(err, err_size, "unknown option '-%c'", optopt);
                        return usage_error(err, err_size, "unknown or incomplete option '%s'",
                                           argv[optind - 1]);
                }
        }

        if (help || version) {
                a.verb = help ? CTL_VERB_HELP : CTL_VERB_VERSION;
                *ret = a;
                return 0;
        }
        if (optind >= argc)
                return usage_error(err, err_size, "missing command (try --help)");
        if (streq(argv[optind], "help")) {
                a.verb = CTL_VERB_HELP;
                *ret = a;
                return 0;
        }
        if (ctl_verb_from_string(argv[optind], &a.verb) < 0)
                return usage_error(err, err_size, "unknown command '%s' (try --help)", argv[optind]);

        /* After the verb: the same options again, then positionals.  A
         * lone "-" (PIN from stdin) is a positional; "--" ends options. */
        optind++;
        size_t n = 0;
        bool options_done = false;
        for (int i = optind; i < argc; i++) {
                const char *s = argv[i];
                if (!options_done && streq(s, "--")) {
                        options_done = true;
                        continue;
                }
                if (options_done || s[0] != '-' || streq(s, "-")) {
                        if (n >= CTL_ARGS_MAX)
                                return usage_error(err, err_size, "too many arguments for '%s' (try --help)",
                                                   verb_table[a.verb].name);
                        a.args[n++] = argv[i];
                        continue;
                }
                if (streq(s, "--json") || streq(s, "-j"))
                        a.json = true;
                else if (streq(s, "--no-ask-password"))
                        a.ask_password = false;
                else if (streq(s, "--direct") && a.verb == CTL_VERB_DOCTOR)
                        a.direct = true;
                else if (streq(s, "--help") || streq(s, "-h")) {
                        a.verb = CTL_VERB_HELP;
                        *ret = a;
                        return 0;
                } else if (streq(s, "--system"))
                        a.bus_address = NULL;
                else if (streq(s, "--bus-address") || startswith(s, "--bus-address=")) {
                        const char *v = strchr(s, '=') ? strchr(s, '=') + 1 : (i + 1 < argc ? argv[++i] : NULL);
                        if (isempty_str(v))
                                return usage_error(err, err_size, "--bus-address needs an address");
                        a.bus_address = v;
                } else if (streq(s, "--timeout") || startswith(s, "--timeout=")) {
                        const char *v = strchr(s, '=') ? strchr(s, '=') + 1 : (i + 1 < argc ? argv[++i] : NULL);
                        uint32_t t;
                        if (!verb_table[a.verb].takes_timeout)
                                return usage_error(err, err_size, "'%s' takes no --timeout",
                                                   verb_table[a.verb].name);
                        if (!v || safe_atou32(v, &t) < 0 || t > 300000)
                                return usage_error(err, err_size,
                                                   "--timeout must be milliseconds, 0 to 300000");
                        a.timeout_ms = t;
                        a.timeout_set = true;
                } else if (a.verb == CTL_VERB_SMS && streq(s, "--report"))
                        a.sms_report = true;
                else if (a.verb == CTL_VERB_SMS && streq(s, "--read"))
                        a.sms_read = true;
                else if (a.verb == CTL_VERB_SMS &&
                         (streq(s, "--validity") || startswith(s, "--validity=") || streq(s, "--count") ||
                          startswith(s, "--count=") || streq(s, "--modem") || startswith(s, "--modem="))) {
                        const char *v = strchr(s, '=') ? strchr(s, '=') + 1 : (i + 1 < argc ? argv[++i] : NULL);
                        uint32_t t;
                        if (isempty_str(v))
                                return usage_error(err, err_size, "%s needs a value", s);
                        if (startswith(s, "--modem"))
                                a.sms_modem = v;
                        else if (startswith(s, "--count")) {
                                if (safe_atou32(v, &t) < 0 || t == 0)
                                        return usage_error(err, err_size, "--count must be a positive number");
                                a.sms_count = t;
                        } else {
                                if (safe_atou32(v, &t) < 0 || t < 5 || t > 635040)
                                        return usage_error(err, err_size,
                                                           "--validity must be minutes, 5 to 635040");
                                a.sms_validity = t;
                        }
                } else
                        return usage_error(err, err_size, "unknown option '%s'", s);
        }

        if (a.timeout_set && !verb_table[a.verb].takes_timeout)
                return usage_error(err, err_size, "'%s' takes no --timeout", verb_table[a.verb].name);
        if (a.json && a.verb == CTL_VERB_DOCTOR)
                return usage_error(err, err_size,
                                   "'doctor' has no --json output (a report for people; 'list --json' and "
                                   "'show --json' are for programs)");
        if (a.verb == CTL_VERB_SMS && n == 0)
                return usage_error(err, err_size, "'sms' needs a subcommand: send, list, read, delete or watch");
        if (n < verb_table[a.verb].min_args)
                return usage_error(err, err_size, "'%s' needs more arguments (try --help)",
                                   verb_table[a.verb].name);
        if (n > verb_table[a.verb].max_args)
                return usage_error(err, err_size, "too many arguments for '%s' (try --help)",
                                   verb_table[a.verb].name);
        a.n_args = n;
        *ret = a;
        return 0;
}

int ctl_modem_path_from_spec(const char *spec, char **ret_path) {
        const char *num = spec;
        uint32_t n;
        char *p;

        if (isempty_str(spec))
                return -EINVAL;
        if (spec[0] == '/') {
                if (!startswith(spec, MODEM_PATH_PREFIX))
                        return -EINVAL;
                num = spec + strlen(MODEM_PATH_PREFIX);
        }
        /* Digits only, no sign, no leading zero (D-Bus paths built from N never have one). */
        if (num[0] < '0' || num[0] > '9' || (num[0] == '0' && num[1] != '\0'))
                return -EINVAL;
        if (safe_atou32(num, &n) < 0)
                return -EINVAL;
        if (asprintf(&p, MODEM_PATH_PREFIX "%" PRIu32, n) < 0)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

bool ctl_pin_is_valid(const char *pin) {
        size_t l;

        if (!pin)
                return false;
        l = strlen(pin);
        if (l < 4 || l > 8)
                return false;
        for (size_t i = 0; i < l; i++)
                if (pin[i] < '0' || pin[i] > '9')
                        return false;
        return true;
}

void ctl_chomp(char *s) {
        size_t l = strlen(s);

        if (l > 0 && s[l - 1] == '\n')
                s[--l] = '\0';
        if (l > 0 && s[l - 1] == '\r')
                s[--l] = '\0';
}

int ctl_at_split(const char *const *args, size_t n_args, const char **ret_modem, const char **ret_cmd) {
        if (n_args == 1) {
                *ret_modem = NULL;
                *ret_cmd = args[0];
                return 0;
        }
        if (n_args == 2) {
                *ret_modem = args[0];
                *ret_cmd = args[1];
                return 0;
        }
        return -EINVAL;
}

int ctl_exit_code_from_error(const char *name) {
        static const struct {
                const char *name;
                int code;
        } table[] = {
                { "org.freedesktop.DBus.Error.AccessDenied", CTL_EXIT_DENIED },
                { "org.freedesktop.DBus.Error.AuthFailed", CTL_EXIT_DENIED },
                { "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", CTL_EXIT_DENIED },
                { "org.freedesktop.DBus.Error.ServiceUnknown", CTL_EXIT_UNREACHABLE },
                { "org.freedesktop.DBus.Error.NameHasNoOwner", CTL_EXIT_UNREACHABLE },
                { "org.freedesktop.DBus.Error.NoServer", CTL_EXIT_UNREACHABLE },
                { "org.freedesktop.DBus.Error.Disconnected", CTL_EXIT_UNREACHABLE },
                { "org.freedesktop.DBus.Error.InvalidArgs", CTL_EXIT_USAGE },
        };

        if (!name)
                return CTL_EXIT_FAILURE;
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(table[i].name, name))
                        return table[i].code;
        return CTL_EXIT_FAILURE;
}

int ctl_at_exit_code(const char *response) {
        const char *last;
        size_t l;

        if (!response)
                return CTL_EXIT_FAILURE;
        l = strlen(response);
        while (l > 0 && (response[l - 1] == '\n' || response[l - 1] == '\r' || response[l - 1] == ' '))
                l--;
        last = response + l;
        while (last > response && last[-1] != '\n')
                last--;
        return (size_t)(response + l - last) == 2 && strncmp(last, "OK", 2) == 0 ? CTL_EXIT_OK
                                                                                : CTL_EXIT_FAILURE;
}

int ctl_args_check(const CtlArgs *a, char *err, size_t err_size) {
        const char *modem = NULL, *cmd = NULL;
        _cleanup_free_ char *path = NULL;

        switch (a->verb) {
        case CTL_VERB_SHOW:
        case CTL_VERB_IDENTITY:
                modem = a->n_args > 0 ? a->args[0] : NULL;
                break;
        case CTL_VERB_PIN:
                if (!streq(a->args[0], "-") && !ctl_pin_is_valid(a->args[0]))
                        return usage_error(err, err_size, "a PIN is 4 to 8 digits");
                modem = a->n_args > 1 ? a->args[1] : NULL;
                break;
        case CTL_VERB_SMS:
                if (ctl_sms_check(a, err, err_size) < 0)
                        return -EINVAL;
                modem = a->sms_modem;
                break;
        case CTL_VERB_AT:
                if (ctl_at_split(a->args, a->n_args, &modem, &cmd) < 0)
                        return usage_error(err, err_size, "'at' needs a command");
                if (!startswith_no_case(cmd, "AT"))
                        return usage_error(err, err_size, "an AT command starts with 'AT'");
                for (const char *c = cmd; *c; c++)
                        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
                                return usage_error(err, err_size,
                                                   "an AT command is printable ASCII on one line");
                if (strlen(cmd) > 512)
                        return usage_error(err, err_size, "an AT command is at most 512 bytes");
                break;
        default:
                break;
        }
        if (modem && ctl_modem_path_from_spec(modem, &path) < 0)
                return usage_error(err, err_size, "'%s' is not a modem: give N or /org/callstack/Modem/N",
                                   modem);
        return 0;
}

#define SMS_PATH_PREFIX "/org/callstack/SMS/"

int ctl_sms_path_from_spec(const char *spec, char **ret_path) {
        const char *num = spec;
        uint64_t v = 0;
        char *p;

        if (isempty_str(spec))
                return -EINVAL;
        if (spec[0] == '/') {
                if (!startswith(spec, SMS_PATH_PREFIX))
                        return -EINVAL;
                num = spec + strlen(SMS_PATH_PREFIX);
        }
        if (num[0] < '0' || num[0] > '9' || (num[0] == '0' && num[1] != '\0') || strlen(num) > 18)
                return -EINVAL;
        for (const char *c = num; *c; c++) {
                if (*c < '0' || *c > '9')
                        return -EINVAL;
                v = v * 10 + (uint64_t)(*c - '0');
        }
        if (asprintf(&p, SMS_PATH_PREFIX "%" PRIu64, v) < 0)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

int ctl_sms_check(const CtlArgs *a, char *err, size_t err_size) {
        static const struct {
                const char *sub;
                size_t n;
        } subs[] = { { "send", 2 }, { "list", 0 }, { "read", 1 }, { "delete", 1 }, { "watch", 0 } };
        const char *sub = a->n_args > 0 ? a->args[0] : NULL;
        _cleanup_free_ char *path = NULL;

        for (size_t i = 0; sub && i < ELEMENTSOF(subs); i++) {
                if (!streq(sub, subs[i].sub))
                        continue;
                if (a->n_args - 1 != subs[i].n)
                        return usage_error(err, err_size, "'sms %s' takes %zu argument(s) (try --help)", sub,
                                           subs[i].n);
                if ((a->sms_report || a->sms_validity) && !streq(sub, "send"))
                        return usage_error(err, err_size, "--report and --validity are for 'sms send'");
                if ((a->sms_read || a->sms_count) && !streq(sub, "watch"))
                        return usage_error(err, err_size, "--read and --count are for 'sms watch'");
                if ((streq(sub, "read") || streq(sub, "delete")) && ctl_sms_path_from_spec(a->args[1], &path) < 0)
                        return usage_error(err, err_size, "'%s' is not a message: give N or /org/callstack/SMS/N",
                                           a->args[1]);
                if (streq(sub, "send") && isempty_str(a->args[2]))
                        return usage_error(err, err_size, "the text is empty");
                return 0;
        }
        return usage_error(err, err_size, "'sms' needs send, list, read, delete or watch (try --help)");
}

const char *ctl_sms_polkit_action(const char *sub) {
        if (streq(sub, "send"))
                return "org.callstack.sms.send";
        if (streq(sub, "delete"))
                return "org.callstack.sms.delete";
        return "org.callstack.sms.read";
}

const char *ctl_sms_denial_phrase(const char *sub) {
        if (streq(sub, "send"))
                return "send messages";
        if (streq(sub, "delete"))
                return "delete messages";
        return "read messages";
}
