/* Glue between hotplug (src/hotplug, GLib + libgudev) and the Manager:
 * loads the capability profiles, picks the profile of --port modems once
 * their probe read the identity, starts the udev monitor, and turns its
 * "modem ready" / "modem gone" reports into manager_add_port() /
 * manager_remove_modem(). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "daemon/manager.h"

typedef struct DaemonHotplug DaemonHotplug;

typedef struct DaemonHotplugConfig {
        uint64_t settle_usec;        /* 0 = default */
        uint64_t probe_timeout_usec; /* 0 = default */
        const char *profiles_dir;    /* extra dir looked up first, may be NULL */
        bool no_monitor;             /* --no-hotplug: profiles only, no udev */
} DaemonHotplugConfig;

/* Loads the profiles, adds a modem watch (call it before the first
 * manager_add_port()) and, unless no_monitor, starts following udev.
 * Free it after manager_free(): the watch points at it. */
int daemon_hotplug_start(Manager *manager, const DaemonHotplugConfig *config, DaemonHotplug **ret);
DaemonHotplug *daemon_hotplug_free(DaemonHotplug *h);
