/* org.callstack.Modem adapter, see bus-modem.h.  Method handlers follow
 * validate -> polkit -> act -> reply; after polkit the modem is looked up
 * again by object path, since it may have gone away while the caller was
 * being authorised (then: UnknownObject).  Nothing here logs a PIN, a
 * raw command or an identity. */
#include "bus/bus-modem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus-errors.h"
#include "bus/bus-validate.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strutil.h"

#define MODEM_INTERFACE "org.callstack.Modem"

static Modem *find(Manager *m, const char *path) {
        return manager_find_modem_by_path(m, path);
}

#define DEFINE_STRING_PROPERTY(fname, expr)                                                                    \
        static int fname(sd_bus *bus, const char *path, const char *interface, const char *property,          \
                         sd_bus_message *reply, void *userdata, sd_bus_error *error) {                        \
                Modem *modem = find(userdata, path);                                                          \
                if (!modem)                                                                                   \
                        return sd_bus_error_set(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "No such modem");         \
                return sd_bus_message_append(reply, "s", (expr));                                             \
        }

DEFINE_STRING_PROPERTY(property_manufacturer, modem_get_manufacturer(modem))
DEFINE_STRING_PROPERTY(property_model, modem_get_model(modem))
DEFINE_STRING_PROPERTY(property_revision, modem_get_revision(modem))
DEFINE_STRING_PROPERTY(property_profile, modem_get_profile(modem)->id)
DEFINE_STRING_PROPERTY(property_state, modem_state_to_string(modem_get_state(modem)))
DEFINE_STRING_PROPERTY(property_sim_state, sim_state_to_string(modem_get_sim_state(modem)))
DEFINE_STRING_PROPERTY(property_registration, netreg_status_to_string(modem_get_registration(modem)))
DEFINE_STRING_PROPERTY(property_operator_name, modem_get_operator_name(modem))

static int property_signal_quality(sd_bus *bus, const char *path, const char *interface, const char *property,
                                   sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Modem *modem = find(userdata, path);
        if (!modem)
                return sd_bus_error_set(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "No such modem");
        return sd_bus_message_append(reply, "u", modem_get_signal_quality(modem));
}

static int property_capabilities(sd_bus *bus, const char *path, const char *interface, const char *property,
                                 sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Modem *modem = find(userdata, path);
        const ModemProfile *p;
        int r;

        if (!modem)
                return sd_bus_error_set(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "No such modem");
        p = modem_get_profile(modem);
        r = sd_bus_message_open_container(reply, 'a', "{ss}");
        for (size_t i = 0; r >= 0 && i < p->n_caps; i++)
                r = sd_bus_message_append(reply, "{ss}", p->caps[i].feature, p->caps[i].value);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static int property_ports(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Modem *modem = find(userdata, path);
        const ModemPort *ports;
        size_t n;
        int r;

        if (!modem)
                return sd_bus_error_set(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "No such modem");
        ports = modem_get_ports(modem, &n);
        r = sd_bus_message_open_container(reply, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(reply, "(ss)", ports[i].path, ports[i].role);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

/* Completions: userdata is the parked method call (one reference). */

static void on_pin_done(int error, void *userdata) {
        sd_bus_message *msg = userdata;

        if (error < 0)
                (void)bus_reply_errno(msg, error);
        else
                (void)sd_bus_reply_method_return(msg, NULL);
        sd_bus_message_unref(msg);
}

static int send_pin_authorized(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *pin;
        Modem *modem;
        int r;

        modem = find(m, sd_bus_message_get_path(msg));
        if (!modem)
                return -ENOENT;
        r = sd_bus_message_rewind(msg, true);
        if (r >= 0)
                r = sd_bus_message_read(msg, "s", &pin);
        if (r < 0)
                return r;
        r = modem_send_pin(modem, pin, on_pin_done, msg);
        if (r < 0)
                return r;
        sd_bus_message_ref(msg);
        return 1;
}

static int method_send_pin(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *pin;
        int r;

        r = sd_bus_message_read(msg, "s", &pin);
        if (r < 0)
                return r;
        if (!sim_pin_is_valid(pin))
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "The PIN must be 4 to 8 digits");
        return bus_polkit_check(m->polkit, msg, "org.callstack.modem.control", send_pin_authorized, m, error);
}

static void on_identity_done(int error, const SimIdentity *identity, void *userdata) {
        sd_bus_message *msg = userdata;
        sd_bus_message *reply = NULL;
        int r;

        if (error < 0) {
                (void)bus_reply_errno(msg, error);
                sd_bus_message_unref(msg);
                return;
        }
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "{ss}");
        for (int k = 0; r >= 0 && k < _SIM_IDENTITY_MAX; k++)
                if (identity->values[k])
                        r = sd_bus_message_append(reply, "{ss}", sim_identity_kind_to_string(k),
                                                  identity->values[k]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        if (r < 0)
                (void)bus_reply_errno(msg, r);
        sd_bus_message_unref(reply);
        sd_bus_message_unref(msg);
}

static int get_identity_authorized(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        Modem *modem;
        int r;

        modem = find(m, sd_bus_message_get_path(msg));
        if (!modem)
                return -ENOENT;
        r = modem_get_identity(modem, on_identity_done, msg);
        if (r < 0)
                return r;
        sd_bus_message_ref(msg);
        return 1;
}

static int method_get_identity(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        return bus_polkit_check(m->polkit, msg, "org.callstack.modem.identity", get_identity_authorized, m,
                                error);
}

static void on_command_done(int error, const char *response, void *userdata) {
        sd_bus_message *msg = userdata;
        char *text = NULL;
        int r = error;

        if (r >= 0) {
                /* A D-Bus string must be UTF-8 (without noncharacters);
                 * modems print Latin-1, escapes and garbage too.  Without
                 * this sd-bus refuses the reply and the caller waits for its
                 * own timeout; callstackctl prints it to a terminal. */
                text = text_escape(response);
                r = text ? sd_bus_reply_method_return(msg, "s", text) : -ENOMEM;
        }
        if (r < 0)
                (void)bus_reply_errno(msg, r);
        free(text);
        sd_bus_message_unref(msg);
}

static int command_authorized(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *cmd;
        uint32_t timeout_ms;
        uint64_t timeout_usec;
        Modem *modem;
        int r;

        modem = find(m, sd_bus_message_get_path(msg));
        if (!modem)
                return -ENOENT;
        r = sd_bus_message_rewind(msg, true);
        if (r >= 0)
                r = sd_bus_message_read(msg, "su", &cmd, &timeout_ms);
        if (r < 0)
                return r;
        r = bus_validate_command_timeout(timeout_ms, &timeout_usec);
        if (r < 0)
                return r;
        log_info("modem %u: raw AT command from %s", (unsigned)modem_get_id(modem),
                 sd_bus_message_get_sender(msg));
        r = modem_command(modem, cmd, timeout_usec, on_command_done, msg);
        if (r < 0)
                return r;
        sd_bus_message_ref(msg);
        return 1;
}

static int method_command(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *cmd;
        uint32_t timeout_ms;
        uint64_t timeout_usec;
        int r;

        r = sd_bus_message_read(msg, "su", &cmd, &timeout_ms);
        if (r < 0)
                return r;
        if (bus_validate_at_command(cmd) < 0)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                        "The command must start with AT and be at most 512 printable ASCII bytes");
        if (bus_validate_command_timeout(timeout_ms, &timeout_usec) < 0)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                        "timeout_ms must be 0 (default) or at most 300000");
        return bus_polkit_check(m->polkit, msg, "org.callstack.modem.command", command_authorized, m, error);
}

static const sd_bus_vtable modem_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("SendPin", SD_BUS_ARGS("s", pin), SD_BUS_NO_RESULT, method_send_pin,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Command", SD_BUS_ARGS("s", cmd, "u", timeout_ms), SD_BUS_RESULT("s", response),
                                method_command, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetIdentity", SD_BUS_NO_ARGS, SD_BUS_RESULT("a{ss}", identity),
                                method_get_identity, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Manufacturer", "s", property_manufacturer, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Model", "s", property_model, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Revision", "s", property_revision, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Profile", "s", property_profile, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Capabilities", "a{ss}", property_capabilities, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Ports", "a(ss)", property_ports, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("State", "s", property_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("SimState", "s", property_sim_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("SignalQuality", "u", property_signal_quality, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Registration", "s", property_registration, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("OperatorName", "s", property_operator_name, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_VTABLE_END,
};

/* The object exists while the Manager knows the modem; userdata stays the
 * Manager so handlers can reach the polkit client. */
static int modem_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                             void **ret_found, sd_bus_error *error) {
        Manager *m = userdata;

        if (!find(m, path))
                return 0;
        *ret_found = m;
        return 1;
}

static int modem_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***ret_nodes,
                                 sd_bus_error *error) {
        Manager *m = userdata;
        char **nodes, buf[BUS_MODEM_PATH_MAX];

        nodes = calloc(m->n_modems + 1, sizeof(char *));
        if (!nodes)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_modems; i++) {
                nodes[i] = strdup(bus_modem_path(modem_get_id(m->modems[i]), buf));
                if (!nodes[i]) {
                        strv_free(nodes);
                        return -ENOMEM;
                }
        }
        *ret_nodes = nodes;
        return 0;
}

int bus_modem_register(Manager *m) {
        int r;

        r = sd_bus_add_fallback_vtable(m->bus, &m->modem_slot, BUS_MODEM_PATH_PREFIX, MODEM_INTERFACE,
                                       modem_vtable, modem_object_find, m);
        if (r < 0)
                return r;
        return sd_bus_add_node_enumerator(m->bus, &m->modem_enum_slot, BUS_MODEM_PATH_PREFIX,
                                          modem_node_enumerator, m);
}

void bus_modem_emit_changed(Manager *m, Modem *modem, unsigned props) {
        static const char *const names[] = {
                "Manufacturer", "Model", "Revision", "Profile",  "Capabilities", "Ports",
                "State",        "SimState", "SignalQuality", "Registration", "OperatorName",
        };
        const char *list[ELEMENTSOF(names) + 1];
        char path[BUS_MODEM_PATH_MAX];
        size_t n = 0;
        int r;

        if (!m->bus || !props)
                return;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (props & (1u << i))
                        list[n++] = names[i];
        list[n] = NULL;
        r = sd_bus_emit_properties_changed_strv(m->bus, bus_modem_path(modem_get_id(modem), path),
                                                MODEM_INTERFACE, (char **)list);
        if (r < 0)
                log_debug_errno(r, "bus: PropertiesChanged for %s failed: %m", path);
}

void bus_modem_emit_added(Manager *m, Modem *modem) {
        char path[BUS_MODEM_PATH_MAX];
        int r;

        if (!m->bus)
                return;
        r = sd_bus_emit_object_added(m->bus, bus_modem_path(modem_get_id(modem), path));
        if (r < 0)
                log_debug_errno(r, "bus: InterfacesAdded for %s failed: %m", path);
}

void bus_modem_emit_removed(Manager *m, Modem *modem) {
        char path[BUS_MODEM_PATH_MAX];
        int r;

        if (!m->bus)
                return;
        r = sd_bus_emit_object_removed(m->bus, bus_modem_path(modem_get_id(modem), path));
        if (r < 0)
                log_debug_errno(r, "bus: InterfacesRemoved for %s failed: %m", path);
}
