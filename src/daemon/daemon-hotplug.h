/* Glue between hotplug (src/hotplug, GLib + libgudev) and the Manager:
 * loads the capability profiles, starts the udev monitor, and turns its
 * "modem ready" / "modem gone" reports into manager_add_port() /
 * manager_remove_modem(). */
#pragma once

#include <stdint.h>

#include "daemon/manager.h"

typedef struct DaemonHotplug DaemonHotplug;

typedef struct DaemonHotplugConfig {
        uint64_t settle_usec;        /* 0 = default */
        uint64_t probe_timeout_usec; /* 0 = default */
        const char *profiles_dir;    /* extra dir looked up first, may be NULL */
} DaemonHotplugConfig;

/* Loads the profiles and starts following udev. */
int daemon_hotplug_start(Manager *manager, const DaemonHotplugConfig *config, DaemonHotplug **ret);
DaemonHotplug *daemon_hotplug_free(DaemonHotplug *h);
