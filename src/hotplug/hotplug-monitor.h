/* Hotplug: follows tty devices with libgudev, groups ports by their USB
 * device, waits a short settle time for the siblings of a new port, probes
 * the candidate ports in parallel with the safe probe, picks the AT port
 * and the profile, and reports a ready modem; reports its removal when the
 * USB device (or its AT port) goes.
 *
 * Runs on a GMainContext (the daemon drives GLib and sd-event from one
 * loop, see src/daemon/daemon-loop.c).  Never opens a port udev did not
 * tag ID_CALLSTACK_CANDIDATE=1, nor one tagged ID_CALLSTACK_IGNORE=1
 * (README "Coexistence with ModemManager"). */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile/profile-db.h"

typedef struct HotplugMonitor HotplugMonitor;

typedef struct HotplugModemInfo {
        const char *key; /* sysfs path of the USB device: stable while plugged */
        uint16_t vid, pid;
        const char *manufacturer; /* AT+CGMI answer, NULL if none */
        const char *model;        /* AT+CGMM */
        const char *revision;     /* AT+CGMR */
        const Profile *profile;   /* never NULL (generic at worst) */
        const char *at_port;      /* device node of the primary AT port */
        size_t n_ports;
        const char *const *port_paths; /* device nodes, n_ports of them */
        const char *const *port_roles; /* "at", "audio", "gnss", "diag", "ppp", "unknown" */
        unsigned probe_commands;       /* commands the probe sent, all ports */
        uint64_t first_event_usec;     /* CLOCK_MONOTONIC of the first port's uevent */
        uint64_t ready_usec;           /* CLOCK_MONOTONIC when probing finished */
} HotplugModemInfo;

typedef struct HotplugCallbacks {
        /* A probed modem is ready: create it.  info lives for the call only. */
        int (*modem_added)(HotplugMonitor *m, const HotplugModemInfo *info, void *userdata);
        /* Its USB device or its AT port went away. */
        void (*modem_removed)(HotplugMonitor *m, const char *key, void *userdata);
} HotplugCallbacks;

#define HOTPLUG_SETTLE_USEC_DEFAULT (100 * 1000)
#define HOTPLUG_PROBE_TIMEOUT_USEC_DEFAULT (400 * 1000)

typedef struct HotplugOptions {
        uint64_t settle_usec;        /* 0 = HOTPLUG_SETTLE_USEC_DEFAULT */
        uint64_t probe_timeout_usec; /* per command; 0 = default */
        const ProfileDb *profiles;   /* borrowed, must outlive the monitor */
        GMainContext *context;       /* NULL = the thread-default context */
} HotplugOptions;

int hotplug_monitor_new(const HotplugOptions *opts, const HotplugCallbacks *cb, void *userdata,
                        HotplugMonitor **ret);
/* Enumerates the ttys present now, then follows uevents. */
int hotplug_monitor_start(HotplugMonitor *m);
HotplugMonitor *hotplug_monitor_free(HotplugMonitor *m);

/* Number of modems reported ready and not removed. */
size_t hotplug_monitor_count_modems(const HotplugMonitor *m);

static inline void hotplug_monitor_freep(HotplugMonitor **m) {
        if (*m)
                hotplug_monitor_free(*m);
}
