/* The daemon's root object: the bus connection, the modems and the polkit
 * client.  Hotplug (src/hotplug/) adds and removes modems through
 * manager_add_port() / manager_remove_modem(); the bus adapters in
 * src/bus/ read the modem list from here. */
#pragma once

#include <stdint.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "bus/bus-polkit.h"
#include "modem/modem.h"

#define MANAGER_BUS_NAME "org.callstack"
#define MANAGER_OBJECT_PATH "/org/callstack"

typedef struct Manager Manager;

/* Services that keep per-modem state (SMS, voice, USSD) follow the modems
 * through a watch instead of being called by the Manager by name.
 * added: the modem object exists (State "probing"), before its
 *   InterfacesAdded, so a service's own fallback vtable already finds it;
 * changed: after every property change (e.g. State becomes "ready");
 * removing: right before InterfacesRemoved and modem_free() (also at
 *   shutdown): drop everything that points at the modem. */
typedef struct ManagerModemWatch {
        void (*added)(Manager *m, Modem *modem, void *userdata);
        void (*changed)(Manager *m, Modem *modem, unsigned props, void *userdata);
        void (*removing)(Manager *m, Modem *modem, void *userdata);
        void *userdata;
} ManagerModemWatch;

#define MANAGER_WATCHES_MAX 8

struct Manager {
        sd_event *event;
        sd_bus *bus;
        BusPolkit *polkit;

        Modem **modems; /* in increasing id order */
        size_t n_modems;
        uint32_t next_modem_id; /* never reused while running */
        ModemConfig modem_config;

        sd_bus_slot *manager_slot, *object_manager_slot, *modem_slot, *modem_enum_slot;
        sd_event_source *gc_source; /* removes modems that went "gone" */

        ManagerModemWatch watches[MANAGER_WATCHES_MAX];
        size_t n_watches;

        struct BusSms *sms; /* SMS store and services (src/bus/bus-sms.h), NULL without a store */
};

int manager_new(sd_event *event, const ModemConfig *modem_config, Manager **ret);
Manager *manager_free(Manager *m);

/* Connects to the system bus (address NULL: DBUS_SYSTEM_BUS_ADDRESS or the
 * default), registers /org/callstack and requests org.callstack.
 * -EEXIST: the name is taken; -EACCES: the bus policy forbids it. */
int manager_connect(Manager *m, const char *bus_address);

/* Opens path as the AT port of a new modem /org/callstack/Modem/N, starts
 * its probe and announces it (InterfacesAdded).  Returns N or -errno. */
int manager_add_port(Manager *m, const char *path, const ModemPortHints *hints);
/* The device went away (hotplug remove): State "gone", then removed. */
void manager_remove_modem(Manager *m, Modem *modem);

/* -ENOBUFS beyond MANAGER_WATCHES_MAX.  Existing modems are not replayed:
 * add watches before the first manager_add_port(). */
int manager_add_modem_watch(Manager *m, const ManagerModemWatch *watch);

Modem *manager_find_modem(Manager *m, uint32_t id);
/* By object path "/org/callstack/Modem/N". */
Modem *manager_find_modem_by_path(Manager *m, const char *object_path);
/* By any of its ports' device paths. */
Modem *manager_find_modem_by_port(Manager *m, const char *port_path);
