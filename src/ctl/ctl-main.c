/* callstackctl: command-line client of callstackd over D-Bus (think mmcli).
 * A bus client only: it knows the API in dbus/ (the XML files), never the daemon's
 * internals.  One line per failure on stderr; exit codes in ctl-args.h.
 * Issue #5 adds the `sms` verbs next to these. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl/ctl-args.h"
#include "ctl/ctl-doctor.h"
#include "ctl/ctl-format.h"
#include "ctl/ctl-json.h"
#include "util/cleanup.h"
#include "util/strutil.h"

#define BUS_NAME "org.callstack"
#define MANAGER_PATH "/org/callstack"
#define MANAGER_IFACE "org.callstack.Manager"
#define MODEM_IFACE "org.callstack.Modem"
#define DEFAULT_CALL_USEC (25ULL * 1000000ULL)

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put)

static void help(void) {
        printf("Usage: callstackctl [OPTIONS] COMMAND [ARGS...]\n"
               "\n"
               "Talk to callstackd, the cellular modem service, over D-Bus.\n"
               "\n"
               "Commands:\n"
               "  list                      list modems\n"
               "  show [MODEM]              show a modem's state and properties\n"
               "  identity [MODEM]          show IMEI, IMSI, ICCID, own number\n"
               "                            (polkit: modem.identity)\n"
               "  pin PIN|- [MODEM]         unlock the SIM; '-' reads the PIN from stdin\n"
               "                            (polkit: modem.control)\n"
               "  at [MODEM] 'AT...'        send a raw AT command, print the answer\n"
               "                            (polkit: modem.command; --timeout MS)\n"
               "  monitor                   print callstack's signals as they happen\n"
               "  doctor [PORT] [--direct]  serial ports, what udev says, the profile and\n"
               "                            role per port and why; --direct probes them\n"
               "                            here (safe commands only), without callstackd\n"
               "  sms send NUMBER TEXT      send a text message, print its object path\n"
               "      [--report] [--validity MIN] [--modem N]        (polkit: sms.send)\n"
               "  sms list [--modem N]      list stored messages, no personal data\n"
               "                            (polkit: sms.read)\n"
               "  sms read ID               print a message's number, text and details\n"
               "                            (polkit: sms.read)\n"
               "  sms delete ID             delete a stored message (polkit: sms.delete)\n"
               "  sms watch [--read] [--count N]\n"
               "                            print new messages as they arrive; with --read,\n"
               "                            their number and text too (polkit: sms.read)\n"
               "\n"
               "ID is N of /org/callstack/SMS/N or that object path.\n"
               "MODEM is N of /org/callstack/Modem/N or that object path; without it the only\n"
               "modem is used (an error when there are several).\n"
               "\n"
               "Options:\n"
               "  -h --help                 show this help\n"
               "     --version              show the version\n"
               "  -j --json                 print JSON instead of text\n"
               "     --system               use the system bus (the default; honours\n"
               "                            DBUS_SYSTEM_BUS_ADDRESS)\n"
               "     --bus-address ADDR     use the bus at ADDR (e.g. unix:path=/run/x/bus)\n"
               "     --timeout MS           `at` only: how long the modem may take, 0 (the\n"
               "                            daemon's default, 5000) to 300000\n"
               "     --no-ask-password      do not let polkit ask for authentication\n"
               "\n"
               "Exit status: 0 ok, 1 failed, 2 usage or invalid argument, 3 callstackd not\n"
               "reachable, 4 not authorized.\n");
}

/* Prints one line for a failed bus call and returns the exit code. */
static int report_error(const CtlArgs *a, const char *what, const sd_bus_error *e, int r) {
        bool sms = a->verb == CTL_VERB_SMS && a->n_args > 0;
        const char *action = sms ? ctl_sms_polkit_action(a->args[0]) : ctl_verb_polkit_action(a->verb);
        const char *phrase = sms ? ctl_sms_denial_phrase(a->args[0]) : ctl_verb_denial_phrase(a->verb);
        int code = ctl_exit_code_from_error(e ? e->name : NULL);

        if (e && sd_bus_error_is_set(e)) {
                if (code == CTL_EXIT_DENIED && action)
                        fprintf(stderr, "callstackctl: not authorized to %s (polkit action %s)\n", phrase,
                                action);
                else if (code == CTL_EXIT_DENIED)
                        fprintf(stderr, "callstackctl: access denied to %s: %s\n", what,
                                e->message ? e->message : e->name);
                else if (code == CTL_EXIT_UNREACHABLE)
                        fprintf(stderr, "callstackctl: callstackd is not running on this bus (no owner for %s)\n",
                                BUS_NAME);
                else if (sd_bus_error_has_names(e, SD_BUS_ERROR_UNKNOWN_OBJECT, SD_BUS_ERROR_UNKNOWN_INTERFACE))
                        fprintf(stderr, "callstackctl: %s: no such object (%s)\n", what,
                                e->message ? e->message : e->name);
                else
                        fprintf(stderr, "callstackctl: %s failed: %s (%s)\n", what,
                                e->message ? e->message : "no message", e->name);
                return code;
        }
        if (r == -ETIMEDOUT) {
                fprintf(stderr, "callstackctl: %s: no answer from callstackd in time\n", what);
                return CTL_EXIT_FAILURE;
        }
        if (r == -ECONNRESET || r == -ENOTCONN) {
                fprintf(stderr, "callstackctl: %s: lost the connection to the bus\n", what);
                return CTL_EXIT_UNREACHABLE;
        }
        fprintf(stderr, "callstackctl: %s failed: %s\n", what, strerror(-r));
        return CTL_EXIT_FAILURE;
}

static int connect_bus(const CtlArgs *a, sd_bus **ret) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        if (a->bus_address) {
                r = sd_bus_new(&bus);
                if (r >= 0)
                        r = sd_bus_set_address(bus, a->bus_address);
                if (r >= 0)
                        r = sd_bus_set_bus_client(bus, true);
                if (r >= 0)
                        r = sd_bus_start(bus);
        } else
                r = sd_bus_open_system(&bus);
        if (r < 0) {
                if (a->bus_address)
                        fprintf(stderr, "callstackctl: cannot connect to the bus at %s: %s\n", a->bus_address,
                                strerror(-r));
                else
                        fprintf(stderr, "callstackctl: cannot connect to the system bus: %s\n", strerror(-r));
                return CTL_EXIT_UNREACHABLE;
        }
        (void)sd_bus_set_allow_interactive_authorization(bus, a->ask_password);
        *ret = TAKE_PTR(bus);
        return 0;
}

static int list_modems(sd_bus *bus, const CtlArgs *a, char ***ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        char **paths = NULL;
        int r;

        r = sd_bus_call_method(bus, BUS_NAME, MANAGER_PATH, MANAGER_IFACE, "ListModems", &e, &reply, "");
        if (r < 0)
                return report_error(a, "ListModems", &e, r);
        r = sd_bus_message_read_strv(reply, &paths);
        if (r < 0)
                return report_error(a, "ListModems", NULL, r);
        *ret = paths;
        return 0;
}

/* Resolves the optional MODEM argument; prints the failure and returns an
 * exit code, or 0 with *ret_path set. */
static int resolve_modem(sd_bus *bus, const CtlArgs *a, const char *spec, char **ret_path) {
        _cleanup_strv_free_ char **paths = NULL;
        size_t n = 0;
        int r;

        if (spec) {
                r = ctl_modem_path_from_spec(spec, ret_path);
                if (r == -ENOMEM)
                        return report_error(a, "modem", NULL, r);
                if (r < 0) {
                        fprintf(stderr, "callstackctl: '%s' is not a modem: give N or /org/callstack/Modem/N\n",
                                spec);
                        return CTL_EXIT_USAGE;
                }
                return 0;
        }
        r = list_modems(bus, a, &paths);
        if (r != 0)
                return r;
        while (paths && paths[n])
                n++;
        if (n == 0) {
                fprintf(stderr, "callstackctl: no modem found\n");
                return CTL_EXIT_FAILURE;
        }
        if (n > 1) {
                fprintf(stderr, "callstackctl: %zu modems; name one (N or /org/callstack/Modem/N, see 'list')\n", n);
                return CTL_EXIT_USAGE;
        }
        *ret_path = TAKE_PTR(paths[0]);
        paths[0] = paths[1]; /* keep the strv NULL-terminated for the cleanup */
        return 0;
}

static int get_all(sd_bus *bus, const CtlArgs *a, const char *path, const char *iface, json_object **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(bus, BUS_NAME, path, "org.freedesktop.DBus.Properties", "GetAll", &e, &reply,
                               "s", iface);
        if (r < 0)
                return report_error(a, path, &e, r);
        r = ctl_json_read_value(reply, ret);
        if (r < 0)
                return report_error(a, path, NULL, r);
        return 0;
}

static void print_json(json_object *o) {
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                                 JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int verb_list(sd_bus *bus, const CtlArgs *a) {
        _cleanup_strv_free_ char **paths = NULL;
        _cleanup_(json_object_putp) json_object *arr = json_object_new_array();
        int r;

        if (!arr)
                return report_error(a, "list", NULL, -ENOMEM);
        r = list_modems(bus, a, &paths);
        if (r != 0)
                return r;
        for (char **p = paths; p && *p; p++) {
                _cleanup_(json_object_putp) json_object *props = NULL;
                r = get_all(bus, a, *p, MODEM_IFACE, &props);
                if (r != 0)
                        return r;
                if (a->json)
                        json_object_array_add(arr, ctl_modem_to_json(*p, props));
                else
                        ctl_format_modem_line(stdout, *p, props);
        }
        if (a->json)
                print_json(arr);
        else if (!paths || !paths[0])
                printf("No modems.\n");
        return 0;
}

static int verb_show(sd_bus *bus, const CtlArgs *a) {
        _cleanup_free_ char *path = NULL;
        _cleanup_(json_object_putp) json_object *props = NULL;
        int r;

        r = resolve_modem(bus, a, a->n_args > 0 ? a->args[0] : NULL, &path);
        if (r != 0)
                return r;
        r = get_all(bus, a, path, MODEM_IFACE, &props);
        if (r != 0)
                return r;
        if (a->json) {
                _cleanup_(json_object_putp) json_object *o = ctl_modem_to_json(path, props);
                print_json(o);
        } else
                ctl_format_modem(stdout, path, props);
        return 0;
}

static int verb_identity(sd_bus *bus, const CtlArgs *a) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(json_object_putp) json_object *id = NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = resolve_modem(bus, a, a->n_args > 0 ? a->args[0] : NULL, &path);
        if (r != 0)
                return r;
        r = sd_bus_call_method(bus, BUS_NAME, path, MODEM_IFACE, "GetIdentity", &e, &reply, "");
        if (r < 0)
                return report_error(a, "GetIdentity", &e, r);
        r = ctl_json_read_value(reply, &id);
        if (r < 0)
                return report_error(a, "GetIdentity", NULL, r);
        if (a->json)
                print_json(id);
        else
                ctl_format_identity(stdout, id);
        return 0;
}

/* Reads a PIN from stdin, without echo on a terminal. */
static int read_pin(char *buf, size_t size) {
        struct termios old, quiet;
        bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
        char *ok;

        if (tty) {
                fputs("SIM PIN: ", stderr);
                quiet = old;
                quiet.c_lflag &= ~(tcflag_t)ECHO;
                (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        ok = fgets(buf, (int)size, stdin);
        if (tty) {
                (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
                fputc('\n', stderr);
        }
        if (!ok)
                return -EIO;
        ctl_chomp(buf);
        return 0;
}

static int verb_pin(sd_bus *bus, const CtlArgs *a) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        char pin[64];
        int r;

        if (streq(a->args[0], "-")) {
                if (read_pin(pin, sizeof(pin)) < 0) {
                        fprintf(stderr, "callstackctl: no PIN on standard input\n");
                        return CTL_EXIT_USAGE;
                }
        } else
                snprintf(pin, sizeof(pin), "%s", a->args[0]);
        if (!ctl_pin_is_valid(pin)) {
                explicit_bzero(pin, sizeof(pin));
                fprintf(stderr, "callstackctl: a PIN is 4 to 8 digits\n");
                return CTL_EXIT_USAGE;
        }
        r = resolve_modem(bus, a, a->n_args > 1 ? a->args[1] : NULL, &path);
        if (r == 0) {
                r = sd_bus_call_method(bus, BUS_NAME, path, MODEM_IFACE, "SendPin", &e, NULL, "s", pin);
                r = r < 0 ? report_error(a, "SendPin", &e, r) : 0;
        }
        explicit_bzero(pin, sizeof(pin));
        return r;
}

static int verb_at(sd_bus *bus, const CtlArgs *a) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_free_ char *path = NULL;
        const char *spec, *cmd, *response;
        uint64_t usec;
        int r;

        if (ctl_at_split(a->args, a->n_args, &spec, &cmd) < 0)
                return CTL_EXIT_USAGE;
        if (!startswith_no_case(cmd, "AT")) {
                fprintf(stderr, "callstackctl: an AT command starts with 'AT'\n");
                return CTL_EXIT_USAGE;
        }
        r = resolve_modem(bus, a, spec, &path);
        if (r != 0)
                return r;
        r = sd_bus_message_new_method_call(bus, &m, BUS_NAME, path, MODEM_IFACE, "Command");
        if (r >= 0)
                r = sd_bus_message_append(m, "su", cmd, a->timeout_ms);
        if (r < 0)
                return report_error(a, "Command", NULL, r);
        /* The modem's time plus room for polkit. */
        usec = (uint64_t)(a->timeout_ms ? a->timeout_ms : 5000) * 1000ULL + DEFAULT_CALL_USEC;
        r = sd_bus_call(bus, m, usec, &e, &reply);
        if (r < 0)
                return report_error(a, "Command", &e, r);
        r = sd_bus_message_read(reply, "s", &response);
        if (r < 0)
                return report_error(a, "Command", NULL, r);
        if (a->json) {
                _cleanup_(json_object_putp) json_object *o = json_object_new_object();
                json_object_object_add(o, "response", json_object_new_string(response));
                json_object_object_add(o, "ok", json_object_new_boolean(ctl_at_exit_code(response) == 0));
                print_json(o);
        } else
                printf("%s\n", response);
        return ctl_at_exit_code(response);
}

static volatile sig_atomic_t monitor_stop;

static void on_stop_signal(int sig) {
        (void)sig;
        monitor_stop = 1;
}

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        const CtlArgs *a = userdata;
        _cleanup_(json_object_putp) json_object *args = NULL;
        struct timespec ts;
        uint64_t usec;

        if (ctl_json_from_message(m, &args) < 0)
                return 0;
        clock_gettime(CLOCK_REALTIME, &ts);
        usec = (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
        ctl_format_signal(stdout, a->json, usec, sd_bus_message_get_path(m), sd_bus_message_get_interface(m),
                          sd_bus_message_get_member(m), args);
        return 0;
}

static int verb_monitor(sd_bus *bus, const CtlArgs *a) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *s1 = NULL, *s2 = NULL;
        struct sigaction sa = { .sa_handler = on_stop_signal };
        int r;

        /* Every signal callstackd sends (PropertiesChanged, InterfacesAdded/
         * Removed, Messaging.Added, ...) and its arrival/departure. */
        r = sd_bus_add_match(bus, &s1, "type='signal',sender='" BUS_NAME "'", on_signal, (void *)a);
        if (r >= 0)
                r = sd_bus_add_match(bus, &s2,
                                     "type='signal',sender='org.freedesktop.DBus',"
                                     "interface='org.freedesktop.DBus',member='NameOwnerChanged',"
                                     "arg0='" BUS_NAME "'",
                                     on_signal, (void *)a);
        if (r < 0)
                return report_error(a, "monitor", NULL, r);

        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        setvbuf(stdout, NULL, _IOLBF, 0);
        fprintf(stderr, "Monitoring %s (Ctrl-C to stop).\n", BUS_NAME);

        while (!monitor_stop) {
                r = sd_bus_process(bus, NULL);
                if (r < 0) {
                        if (r == -ECONNRESET || r == -ENOTCONN) {
                                fprintf(stderr, "callstackctl: the bus went away\n");
                                return CTL_EXIT_UNREACHABLE;
                        }
                        return report_error(a, "monitor", NULL, r);
                }
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0 && r != -EINTR)
                        return report_error(a, "monitor", NULL, r);
        }
        return CTL_EXIT_OK;
}

/* ---- sms ------------------------------------------------------------ */

#define MESSAGING_IFACE "org.callstack.Modem.Messaging"
#define SMS_IFACE "org.callstack.SMS"

static const char *json_str(json_object *o, const char *key) {
        json_object *v;
        return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static int64_t json_int(json_object *o, const char *key) {
        json_object *v;
        return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static const char *sms_id_of(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

/* One line of safe information: no number, no text. */
static void print_sms_line(const char *path, json_object *props) {
        char when[64] = "-";
        int64_t ts = json_int(props, "Timestamp");
        time_t t = (time_t)(ts / 1000000);
        struct tm tm;

        if (ts > 0 && gmtime_r(&t, &tm))
                strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        printf("%-6s %-8s %-9s %3" PRId64 "/%-3" PRId64 " %-5s %s%s%s\n", sms_id_of(path), json_str(props, "Direction"),
               json_str(props, "State"), json_int(props, "PartsReceived"), json_int(props, "PartsTotal"),
               json_str(props, "Encoding"), when, *json_str(props, "DeliveryStatus") ? " " : "",
               json_str(props, "DeliveryStatus"));
}

static int sms_send(sd_bus *bus, const CtlArgs *a) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_free_ char *modem = NULL;
        const char *path;
        int r;

        r = resolve_modem(bus, a, a->sms_modem, &modem);
        if (r != 0)
                return r;
        r = sd_bus_message_new_method_call(bus, &m, BUS_NAME, modem, MESSAGING_IFACE, "Send");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", a->args[1], a->args[2]);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && a->sms_report)
                r = sd_bus_message_append(m, "{sv}", "delivery-report", "b", 1);
        if (r >= 0 && a->sms_validity)
                r = sd_bus_message_append(m, "{sv}", "validity", "u", a->sms_validity);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return report_error(a, "Send", NULL, r);
        r = sd_bus_call(bus, m, DEFAULT_CALL_USEC, &e, &reply);
        if (r < 0)
                return report_error(a, "Send", &e, r);
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return report_error(a, "Send", NULL, r);
        if (a->json) {
                _cleanup_(json_object_putp) json_object *o = json_object_new_object();
                json_object_object_add(o, "sms", json_object_new_string(path));
                json_object_object_add(o, "id", json_object_new_string(sms_id_of(path)));
                print_json(o);
        } else
                printf("%s\n", path);
        return 0;
}

static int sms_list(sd_bus *bus, const CtlArgs *a) {
        _cleanup_strv_free_ char **modems = NULL;
        _cleanup_(json_object_putp) json_object *arr = json_object_new_array();
        size_t count = 0;
        int r;

        if (!arr)
                return report_error(a, "List", NULL, -ENOMEM);
        if (a->sms_modem) {
                modems = calloc(2, sizeof(char *));
                if (!modems)
                        return report_error(a, "List", NULL, -ENOMEM);
                r = resolve_modem(bus, a, a->sms_modem, &modems[0]);
        } else
                r = list_modems(bus, a, &modems);
        if (r != 0)
                return r;
        for (char **mp = modems; mp && *mp; mp++) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_strv_free_ char **paths = NULL;

                r = sd_bus_call_method(bus, BUS_NAME, *mp, MESSAGING_IFACE, "List", &e, &reply, "");
                if (r < 0)
                        return report_error(a, "List", &e, r);
                r = sd_bus_message_read_strv(reply, &paths);
                if (r < 0)
                        return report_error(a, "List", NULL, r);
                for (char **p = paths; p && *p; p++) {
                        _cleanup_(json_object_putp) json_object *props = NULL;
                        r = get_all(bus, a, *p, SMS_IFACE, &props);
                        if (r != 0)
                                return r;
                        count++;
                        if (a->json) {
                                json_object_object_add(props, "path", json_object_new_string(*p));
                                json_object_array_add(arr, json_object_get(props));
                        } else {
                                if (count == 1)
                                        printf("%-6s %-8s %-9s %7s %-5s %-20s %s\n", "ID", "DIR", "STATE",
                                               "PARTS", "ENC", "TIME", "DELIVERY");
                                print_sms_line(*p, props);
                        }
                }
        }
        if (a->json)
                print_json(arr);
        else if (count == 0 && (!modems || !modems[0]))
                /* List() is per modem: an unplugged modem's messages are still
                 * stored and on the bus, only not listable until it is back. */
                printf("No modem present: no messages to list (the messages of absent modems stay stored; "
                       "'sms read ID' reads one).\n");
        else if (count == 0)
                printf("No messages.\n");
        return 0;
}

static int read_one(sd_bus *bus, const CtlArgs *a, const char *path, bool quiet_denied, json_object **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(json_object_putp) json_object *details = NULL;
        const char *number, *text;
        json_object *o;
        int r;

        r = sd_bus_call_method(bus, BUS_NAME, path, SMS_IFACE, "Read", &e, &reply, "");
        if (r < 0) {
                if (quiet_denied && ctl_exit_code_from_error(e.name) == CTL_EXIT_DENIED)
                        return CTL_EXIT_DENIED;
                return report_error(a, "Read", &e, r);
        }
        r = sd_bus_message_read(reply, "ss", &number, &text);
        if (r >= 0)
                r = ctl_json_read_value(reply, &details);
        if (r < 0)
                return report_error(a, "Read", NULL, r);
        o = json_object_new_object();
        if (!o)
                return report_error(a, "Read", NULL, -ENOMEM);
        json_object_object_add(o, "path", json_object_new_string(path));
        json_object_object_add(o, "number", json_object_new_string(number));
        json_object_object_add(o, "text", json_object_new_string(text));
        json_object_object_add(o, "details", TAKE_PTR(details));
        *ret = o;
        return 0;
}

static void print_read(json_object *o, json_object *props) {
        ctl_format_sms_read(stdout, o, props ? json_str(props, "Direction") : NULL,
                            props ? json_str(props, "State") : NULL);
}

static int sms_read(sd_bus *bus, const CtlArgs *a) {
        _cleanup_free_ char *path = NULL;
        _cleanup_(json_object_putp) json_object *o = NULL, *props = NULL;
        int r;

        if (ctl_sms_path_from_spec(a->args[1], &path) < 0)
                return CTL_EXIT_USAGE;
        r = read_one(bus, a, path, false, &o);
        if (r != 0)
                return r;
        if (a->json) {
                print_json(o);
                return 0;
        }
        (void)get_all(bus, a, path, SMS_IFACE, &props);
        print_read(o, props);
        return 0;
}

static int sms_delete(sd_bus *bus, const CtlArgs *a) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL;
        const char *modem;
        int r;

        if (ctl_sms_path_from_spec(a->args[1], &path) < 0)
                return CTL_EXIT_USAGE;
        r = sd_bus_get_property(bus, BUS_NAME, path, SMS_IFACE, "Modem", &e, &reply, "o");
        if (r < 0)
                return report_error(a, path, &e, r);
        r = sd_bus_message_read(reply, "o", &modem);
        if (r < 0)
                return report_error(a, "Delete", NULL, r);
        if (streq(modem, "/")) {
                fprintf(stderr, "callstackctl: the modem of %s is not present\n", path);
                return CTL_EXIT_FAILURE;
        }
        r = sd_bus_call_method(bus, BUS_NAME, modem, MESSAGING_IFACE, "Delete", &e, NULL, "o", path);
        if (r < 0)
                return report_error(a, "Delete", &e, r);
        return 0;
}

typedef struct WatchState {
        const CtlArgs *a;
        sd_bus *bus;
        uint32_t seen;
} WatchState;

static int on_added(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        WatchState *w = userdata;
        _cleanup_(json_object_putp) json_object *props = NULL, *o = NULL;
        const char *path;
        int incoming;

        if (sd_bus_message_read(m, "ob", &path, &incoming) < 0)
                return 0;
        (void)get_all(w->bus, w->a, path, SMS_IFACE, &props);
        if (w->a->sms_read && read_one(w->bus, w->a, path, true, &o) != 0)
                o = NULL; /* not authorised: safe information only */
        if (w->a->json) {
                _cleanup_(json_object_putp) json_object *e = json_object_new_object();
                json_object_object_add(e, "sms", json_object_new_string(path));
                json_object_object_add(e, "incoming", json_object_new_boolean(incoming));
                if (props)
                        json_object_object_add(e, "properties", json_object_get(props));
                if (o) {
                        json_object_object_add(e, "number", json_object_get(json_object_object_get(o, "number")));
                        json_object_object_add(e, "text", json_object_get(json_object_object_get(o, "text")));
                }
                printf("%s\n", json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        } else {
                if (props)
                        print_sms_line(path, props);
                else
                        printf("%s %s\n", sms_id_of(path), incoming ? "incoming" : "outgoing");
                if (o)
                        printf("  %s: %s\n", json_str(o, "number"), json_str(o, "text"));
        }
        fflush(stdout);
        w->seen++;
        if (w->a->sms_count && w->seen >= w->a->sms_count)
                monitor_stop = 1;
        return 0;
}

static int sms_watch(sd_bus *bus, const CtlArgs *a) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        struct sigaction sa = { .sa_handler = on_stop_signal };
        WatchState w = { .a = a, .bus = bus };
        int r;

        r = sd_bus_add_match(bus, &slot,
                             "type='signal',sender='" BUS_NAME "',interface='" MESSAGING_IFACE "',member='Added'",
                             on_added, &w);
        if (r < 0)
                return report_error(a, "watch", NULL, r);
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        setvbuf(stdout, NULL, _IOLBF, 0);
        fprintf(stderr, "Watching for messages (Ctrl-C to stop).\n");
        while (!monitor_stop) {
                r = sd_bus_process(bus, NULL);
                if (r < 0) {
                        if (r == -ECONNRESET || r == -ENOTCONN) {
                                fprintf(stderr, "callstackctl: the bus went away\n");
                                return CTL_EXIT_UNREACHABLE;
                        }
                        return report_error(a, "watch", NULL, r);
                }
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0 && r != -EINTR)
                        return report_error(a, "watch", NULL, r);
        }
        return CTL_EXIT_OK;
}

static int verb_sms(sd_bus *bus, const CtlArgs *a) {
        const char *sub = a->args[0];

        if (streq(sub, "send"))
                return sms_send(bus, a);
        if (streq(sub, "list"))
                return sms_list(bus, a);
        if (streq(sub, "read"))
                return sms_read(bus, a);
        if (streq(sub, "delete"))
                return sms_delete(bus, a);
        if (streq(sub, "watch"))
                return sms_watch(bus, a);
        return CTL_EXIT_USAGE;
}

int main(int argc, char **argv) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        CtlArgs a;
        char err[256];
        int r;

        if (ctl_args_parse(argc, argv, &a, err, sizeof(err)) < 0) {
                fprintf(stderr, "callstackctl: %s\n", err);
                return CTL_EXIT_USAGE;
        }
        if (ctl_args_check(&a, err, sizeof(err)) < 0) {
                fprintf(stderr, "callstackctl: %s\n", err);
                return CTL_EXIT_USAGE;
        }
        if (a.verb == CTL_VERB_HELP) {
                help();
                return CTL_EXIT_OK;
        }
        if (a.verb == CTL_VERB_VERSION) {
                printf("callstackctl %s\n", CALLSTACK_VERSION);
                return CTL_EXIT_OK;
        }

        if (a.verb == CTL_VERB_DOCTOR)
                return ctl_doctor(&a); /* works without the daemon */

        r = connect_bus(&a, &bus);
        if (r != 0)
                return r;

        switch (a.verb) {
        case CTL_VERB_LIST: return verb_list(bus, &a);
        case CTL_VERB_SHOW: return verb_show(bus, &a);
        case CTL_VERB_IDENTITY: return verb_identity(bus, &a);
        case CTL_VERB_PIN: return verb_pin(bus, &a);
        case CTL_VERB_AT: return verb_at(bus, &a);
        case CTL_VERB_MONITOR: return verb_monitor(bus, &a);
        case CTL_VERB_SMS: return verb_sms(bus, &a);
        default: return CTL_EXIT_USAGE;
        }
}
