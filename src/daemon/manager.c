/* The Manager, see manager.h.  Modems are kept in an array in id order
 * (a lab rack has 16, not 16,000).  A modem that reports "gone" is first
 * announced (PropertiesChanged State=gone), then removed from a deferred
 * event (InterfacesRemoved, free): never from inside its own callbacks. */
#include "daemon/manager.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus-manager.h"
#include "bus/bus-modem.h"
#include "bus/bus-sms.h"
#include "bus/bus-validate.h"
#include "util/log.h"
#include "util/strutil.h"

static void notify_removing(Manager *m, Modem *modem) {
        for (size_t i = 0; i < m->n_watches; i++)
                if (m->watches[i].removing)
                        m->watches[i].removing(m, modem, m->watches[i].userdata);
}

int manager_add_modem_watch(Manager *m, const ManagerModemWatch *watch) {
        if (!watch)
                return -EINVAL;
        if (m->n_watches >= MANAGER_WATCHES_MAX)
                return -ENOBUFS;
        m->watches[m->n_watches++] = *watch;
        return 0;
}

static int on_gc(sd_event_source *s, void *userdata) {
        Manager *m = userdata;

        for (size_t i = 0; i < m->n_modems;) {
                Modem *modem = m->modems[i];

                if (modem_get_state(modem) != MODEM_STATE_GONE) {
                        i++;
                        continue;
                }
                notify_removing(m, modem);
                bus_modem_emit_removed(m, modem);
                memmove(m->modems + i, m->modems + i + 1, (m->n_modems - i - 1) * sizeof(Modem *));
                m->n_modems--;
                log_info("modem %" PRIu32 " removed", modem_get_id(modem));
                modem_free(modem);
        }
        return 0;
}

static void schedule_gc(Manager *m) {
        if (!m->gc_source) {
                if (sd_event_add_defer(m->event, &m->gc_source, on_gc, m) < 0) {
                        log_error("manager: cannot schedule modem removal");
                        return;
                }
                (void)sd_event_source_set_description(m->gc_source, "manager-gc");
        }
        (void)sd_event_source_set_enabled(m->gc_source, SD_EVENT_ONESHOT);
}

static void on_modem_changed(Modem *modem, unsigned props, void *userdata) {
        Manager *m = userdata;

        bus_modem_emit_changed(m, modem, props);
        for (size_t i = 0; i < m->n_watches; i++)
                if (m->watches[i].changed)
                        m->watches[i].changed(m, modem, props, m->watches[i].userdata);
        if ((props & MODEM_PROP_STATE) && modem_get_state(modem) == MODEM_STATE_GONE)
                schedule_gc(m);
}

int manager_new(sd_event *event, const ModemConfig *modem_config, Manager **ret) {
        Manager *m;
        int r;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->event = sd_event_ref(event);
        if (modem_config)
                m->modem_config = *modem_config;
        r = bus_polkit_new(&m->polkit);
        if (r < 0) {
                manager_free(m);
                return r;
        }
        *ret = m;
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        /* Modems first: their pending calls are answered while the bus is up.
         * The SMS services before them (they use the modems' channels). */
        bus_sms_free(m);
        for (size_t i = 0; i < m->n_modems; i++) {
                modem_set_changed_func(m->modems[i], NULL, NULL);
                notify_removing(m, m->modems[i]);
                modem_free(m->modems[i]);
        }
        free(m->modems);
        m->polkit = bus_polkit_free(m->polkit);
        sd_event_source_disable_unref(m->gc_source);
        sd_bus_slot_unref(m->modem_enum_slot);
        sd_bus_slot_unref(m->modem_slot);
        sd_bus_slot_unref(m->object_manager_slot);
        sd_bus_slot_unref(m->manager_slot);
        if (m->bus) {
                (void)sd_bus_flush(m->bus);
                sd_bus_close_unref(m->bus);
        }
        sd_event_unref(m->event);
        free(m);
        return NULL;
}

static int bus_open(const char *address, sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        if (!address)
                return sd_bus_open_system(ret);
        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_set_bus_client(bus, 1);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

int manager_connect(Manager *m, const char *bus_address) {
        int r;

        r = bus_open(bus_address, &m->bus);
        if (r < 0)
                return log_error_errno(r, "cannot connect to the %s bus: %m", bus_address ? "given" : "system");
        (void)sd_bus_set_description(m->bus, "callstackd");
        /* Without the bus we serve nobody: end the loop (exit 1) and let the
         * service manager restart us. */
        (void)sd_bus_set_exit_on_disconnect(m->bus, true);
        r = sd_bus_attach_event(m->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "cannot attach the bus to the event loop: %m");
        /* sd-bus would close the connection when the loop exits, before
         * manager_free() answers the calls still pending (at a modem, on
         * polkit); it flushes and closes it itself. */
        (void)sd_bus_set_close_on_exit(m->bus, false);
        r = bus_manager_register(m);
        if (r >= 0)
                r = bus_sms_register(m);
        if (r < 0)
                return log_error_errno(r, "cannot register the bus objects: %m");
        r = bus_manager_request_name(m);
        if (r == -EEXIST)
                return log_error_errno(r, "the bus name " MANAGER_BUS_NAME
                                          " is already owned by another process (is callstackd already running?)");
        if (r == -EACCES || r == -EPERM)
                return log_error_errno(r, "the bus policy does not allow this user to own " MANAGER_BUS_NAME
                                          " (install dbus/org.callstack.conf and run as root)");
        if (r < 0)
                return log_error_errno(r, "cannot request the bus name " MANAGER_BUS_NAME ": %m");
        return 0;
}

int manager_add_port(Manager *m, const char *path, const ModemPortHints *hints) {
        Modem **modems, *modem;
        uint32_t id;
        int r;

        if (m->next_modem_id == UINT32_MAX)
                return -ERANGE;
        if (manager_find_modem_by_port(m, path))
                return -EEXIST;
        modems = realloc(m->modems, (m->n_modems + 1) * sizeof(Modem *));
        if (!modems)
                return -ENOMEM;
        m->modems = modems;

        id = m->next_modem_id;
        r = modem_new(m->event, id, path, hints, &m->modem_config, &modem);
        if (r < 0)
                return r;
        m->next_modem_id++;
        m->modems[m->n_modems++] = modem;
        modem_set_changed_func(modem, on_modem_changed, m);
        log_info("modem %" PRIu32 ": added for %s", id, path);
        for (size_t i = 0; i < m->n_watches; i++)
                if (m->watches[i].added)
                        m->watches[i].added(m, modem, m->watches[i].userdata);
        bus_modem_emit_added(m, modem);
        r = modem_start(modem);
        if (r < 0)
                log_warning_errno(r, "modem %" PRIu32 ": cannot start the probe: %m", id);
        return (int)id;
}

void manager_remove_modem(Manager *m, Modem *modem) {
        if (modem)
                modem_set_gone(modem);
}

Modem *manager_find_modem(Manager *m, uint32_t id) {
        for (size_t i = 0; i < m->n_modems; i++)
                if (modem_get_id(m->modems[i]) == id)
                        return m->modems[i];
        return NULL;
}

Modem *manager_find_modem_by_path(Manager *m, const char *object_path) {
        uint32_t id;

        if (bus_modem_path_parse(object_path, &id) < 0)
                return NULL;
        return manager_find_modem(m, id);
}

Modem *manager_find_modem_by_port(Manager *m, const char *port_path) {
        if (!port_path)
                return NULL;
        for (size_t i = 0; i < m->n_modems; i++) {
                size_t n;
                const ModemPort *ports = modem_get_ports(m->modems[i], &n);

                if (modem_get_state(m->modems[i]) == MODEM_STATE_GONE)
                        continue; /* on its way out; the same port may come back */

                for (size_t j = 0; j < n; j++)
                        if (streq(ports[j].path, port_path))
                                return m->modems[i];
        }
        return NULL;
}
