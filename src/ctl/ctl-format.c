/* Text and JSON output of callstackctl.  Properties and signals of
 * callstack carry no personal data by design (DESIGN.md "Privacy"), so
 * printing them is safe; identities are only printed by `identity`, to the
 * caller polkit allowed. */
#include "ctl/ctl-format.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/cleanup.h"
#include "util/strutil.h"

static const char *prop_str(json_object *props, const char *name) {
        json_object *v;

        if (!props || !json_object_object_get_ex(props, name, &v) ||
            !json_object_is_type(v, json_type_string))
                return "";
        return json_object_get_string(v);
}

static json_object *ports_to_json(json_object *ports) {
        json_object *out = json_object_new_array();

        if (!out || !json_object_is_type(ports, json_type_array))
                return out;
        for (size_t i = 0; i < json_object_array_length(ports); i++) {
                json_object *p = json_object_array_get_idx(ports, i), *o;
                if (!json_object_is_type(p, json_type_array) || json_object_array_length(p) != 2)
                        continue;
                o = json_object_new_object();
                json_object_object_add(o, "device", json_object_get(json_object_array_get_idx(p, 0)));
                json_object_object_add(o, "role", json_object_get(json_object_array_get_idx(p, 1)));
                json_object_array_add(out, o);
        }
        return out;
}

json_object *ctl_modem_to_json(const char *path, json_object *props) {
        json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        json_object_object_add(o, "Path", json_object_new_string(path));
        if (props) {
                json_object_object_foreach(props, k, v) {
                        if (streq(k, "Ports"))
                                json_object_object_add(o, k, ports_to_json(v));
                        else
                                json_object_object_add(o, k, json_object_get(v));
                }
        }
        return o;
}

const char *ctl_value_to_human(json_object *v) {
        if (!v)
                return "-";
        if (json_object_is_type(v, json_type_string))
                return json_object_get_string(v);
        return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

static uint32_t prop_u32(json_object *props, const char *name, bool *ret_found) {
        json_object *v;

        if (!props || !json_object_object_get_ex(props, name, &v) ||
            !json_object_is_type(v, json_type_int)) {
                *ret_found = false;
                return 0;
        }
        *ret_found = true;
        return (uint32_t)json_object_get_int64(v);
}

void ctl_format_modem_line(FILE *f, const char *path, json_object *props) {
        bool have_signal;
        uint32_t signal = prop_u32(props, "SignalQuality", &have_signal);
        const char *manufacturer = prop_str(props, "Manufacturer");
        const char *model = prop_str(props, "Model");
        const char *op = prop_str(props, "OperatorName");
        char name[128];

        snprintf(name, sizeof(name), "%s%s%s", manufacturer, *manufacturer && *model ? " " : "", model);
        fprintf(f, "%-24s %-28s %-11s", path, *name ? name : "(unknown)",
                *prop_str(props, "State") ? prop_str(props, "State") : "-");
        if (have_signal)
                fprintf(f, " %3" PRIu32 "%%", signal);
        else
                fputs("    -", f);
        fprintf(f, "  %s\n", *op ? op : "-");
}

static void format_field(FILE *f, const char *label, const char *value) {
        fprintf(f, "  %-14s %s\n", label, value && *value ? value : "-");
}

void ctl_format_modem(FILE *f, const char *path, json_object *props) {
        static const struct {
                const char *label;
                const char *prop;
        } fields[] = {
                { "Manufacturer:", "Manufacturer" },
                { "Model:", "Model" },
                { "Revision:", "Revision" },
                { "Profile:", "Profile" },
                { "State:", "State" },
                { "SIM:", "SimState" },
                { "Registration:", "Registration" },
                { "Operator:", "OperatorName" },
        };
        json_object *v;
        bool have_signal;
        uint32_t signal;
        char buf[32];

        fprintf(f, "%s\n", path);
        for (size_t i = 0; i < ELEMENTSOF(fields); i++)
                format_field(f, fields[i].label, prop_str(props, fields[i].prop));

        signal = prop_u32(props, "SignalQuality", &have_signal);
        if (have_signal)
                snprintf(buf, sizeof(buf), "%" PRIu32 "%%", signal);
        format_field(f, "Signal:", have_signal ? buf : NULL);

        if (props && json_object_object_get_ex(props, "Ports", &v) &&
            json_object_is_type(v, json_type_array) && json_object_array_length(v) > 0) {
                for (size_t i = 0; i < json_object_array_length(v); i++) {
                        json_object *p = json_object_array_get_idx(v, i);
                        if (!json_object_is_type(p, json_type_array) || json_object_array_length(p) != 2)
                                continue;
                        fprintf(f, "  %-14s %s (%s)\n", i == 0 ? "Ports:" : "",
                                ctl_value_to_human(json_object_array_get_idx(p, 0)),
                                ctl_value_to_human(json_object_array_get_idx(p, 1)));
                }
        } else
                format_field(f, "Ports:", NULL);

        if (props && json_object_object_get_ex(props, "Capabilities", &v) &&
            json_object_is_type(v, json_type_object) && json_object_object_length(v) > 0) {
                bool first = true;
                json_object_object_foreach(v, feature, state) {
                        fprintf(f, "  %-14s %s: %s\n", first ? "Capabilities:" : "", feature,
                                ctl_value_to_human(state));
                        first = false;
                }
        } else
                format_field(f, "Capabilities:", NULL);
}

static int cmp_strp(const void *a, const void *b) {
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void ctl_format_identity(FILE *f, json_object *identity) {
        const char *keys[64];
        size_t n = 0;

        if (!identity || !json_object_is_type(identity, json_type_object))
                return;
        json_object_object_foreach(identity, k, v) {
                (void)v;
                if (n < ELEMENTSOF(keys))
                        keys[n++] = k;
        }
        qsort(keys, n, sizeof(keys[0]), cmp_strp);
        for (size_t i = 0; i < n; i++) {
                json_object *value = NULL;
                json_object_object_get_ex(identity, keys[i], &value);
                fprintf(f, "%s: %s\n", keys[i], ctl_value_to_human(value));
        }
}

int ctl_format_time(uint64_t time_usec, bool iso, char *buf, size_t size) {
        time_t t = (time_t)(time_usec / 1000000);
        struct tm tm;
        char hms[32];

        if (!gmtime_r(&t, &tm))
                return -EINVAL;
        if (iso) {
                if (strftime(hms, sizeof(hms), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
                        return -EINVAL;
                snprintf(buf, size, "%s.%03uZ", hms, (unsigned)(time_usec % 1000000 / 1000));
        } else {
                if (strftime(hms, sizeof(hms), "%H:%M:%S", &tm) == 0)
                        return -EINVAL;
                snprintf(buf, size, "%s UTC", hms);
        }
        return 0;
}

static void format_properties_changed(FILE *f, json_object *args) {
        json_object *iface = json_object_array_get_idx(args, 0);
        json_object *changed = json_object_array_get_idx(args, 1);
        json_object *invalidated = json_object_array_get_idx(args, 2);

        fputs(ctl_value_to_human(iface), f);
        if (json_object_is_type(changed, json_type_object)) {
                json_object_object_foreach(changed, k, v) {
                        fprintf(f, " %s=%s", k, ctl_value_to_human(v));
                }
        }
        if (json_object_is_type(invalidated, json_type_array))
                for (size_t i = 0; i < json_object_array_length(invalidated); i++)
                        fprintf(f, " %s=(invalidated)",
                                ctl_value_to_human(json_object_array_get_idx(invalidated, i)));
}

void ctl_format_signal(FILE *f, bool json, uint64_t time_usec, const char *path,
                       const char *interface, const char *member, json_object *args) {
        char ts[64] = "";

        (void)ctl_format_time(time_usec, json, ts, sizeof(ts));
        if (json) {
                json_object *o = json_object_new_object();
                if (!o)
                        return;
                json_object_object_add(o, "time", json_object_new_string(ts));
                json_object_object_add(o, "path", json_object_new_string(path ? path : ""));
                json_object_object_add(o, "interface", json_object_new_string(interface ? interface : ""));
                json_object_object_add(o, "member", json_object_new_string(member ? member : ""));
                json_object_object_add(o, "args", json_object_get(args));
                fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                                             JSON_C_TO_STRING_NOSLASHESCAPE));
                json_object_put(o);
                fflush(f);
                return;
        }

        if (interface && member && streq(interface, "org.freedesktop.DBus") && streq(member, "NameOwnerChanged") &&
            json_object_is_type(args, json_type_array) && json_object_array_length(args) == 3) {
                /* (name, old owner, new owner): say it in words */
                const char *name = ctl_value_to_human(json_object_array_get_idx(args, 0));
                const char *new_owner = json_object_get_string(json_object_array_get_idx(args, 2));

                if (new_owner && *new_owner)
                        fprintf(f, "[%s] %s appeared on the bus (%s)\n", ts, name, new_owner);
                else
                        fprintf(f, "[%s] %s left the bus\n", ts, name);
                fflush(f);
                return;
        }
        fprintf(f, "[%s] %s ", ts, path ? path : "-");
        if (interface && member && streq(interface, "org.freedesktop.DBus.Properties") &&
            streq(member, "PropertiesChanged") && json_object_is_type(args, json_type_array))
                format_properties_changed(f, args);
        else if (interface && member && streq(interface, "org.freedesktop.DBus.ObjectManager") &&
                 (streq(member, "InterfacesAdded") || streq(member, "InterfacesRemoved")) &&
                 json_object_is_type(args, json_type_array)) {
                json_object *ifaces = json_object_array_get_idx(args, 1);
                fprintf(f, "%s %s", member, ctl_value_to_human(json_object_array_get_idx(args, 0)));
                if (json_object_is_type(ifaces, json_type_object)) {
                        json_object_object_foreach(ifaces, k, v) {
                                (void)v;
                                fprintf(f, " %s", k);
                        }
                } else if (json_object_is_type(ifaces, json_type_array))
                        for (size_t i = 0; i < json_object_array_length(ifaces); i++)
                                fprintf(f, " %s", ctl_value_to_human(json_object_array_get_idx(ifaces, i)));
        } else {
                fprintf(f, "%s.%s", interface ? interface : "-", member ? member : "-");
                if (json_object_is_type(args, json_type_array))
                        for (size_t i = 0; i < json_object_array_length(args); i++)
                                fprintf(f, " %s", ctl_value_to_human(json_object_array_get_idx(args, i)));
        }
        fputc('\n', f);
        fflush(f);
}

static bool key_is_timestamp(const char *key) {
        static const char suffix[] = "-timestamp";
        size_t n = strlen(key);

        return n > strlen(suffix) && streq(key + n - strlen(suffix), suffix);
}

void ctl_format_sms_read(FILE *f, json_object *msg, const char *direction, const char *state) {
        json_object *v = NULL, *details = NULL;
        const char *number = json_object_object_get_ex(msg, "number", &v) ? ctl_value_to_human(v) : "-";

        fprintf(f, "%s: %s\n", direction && streq(direction, "outgoing") ? "To" : "From", number);
        if (state)
                fprintf(f, "State: %s\n", state);
        if (json_object_object_get_ex(msg, "details", &details) && json_object_is_type(details, json_type_object)) {
                json_object_object_foreach(details, key, val) {
                        char when[64];

                        /* service-timestamp, discharge-timestamp: µs since the epoch */
                        if (key_is_timestamp(key) && json_object_is_type(val, json_type_int) &&
                            json_object_get_int64(val) > 0 &&
                            ctl_format_time((uint64_t)json_object_get_int64(val), true, when, sizeof(when)) >= 0)
                                fprintf(f, "%s: %s\n", key, when);
                        else
                                fprintf(f, "%s: %s\n", key, ctl_value_to_human(val));
                }
        }
        fprintf(f, "\n%s\n", json_object_object_get_ex(msg, "text", &v) ? ctl_value_to_human(v) : "");
}
