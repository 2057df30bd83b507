/* Opening a serial port for probing, and a blocking probe driver for
 * tools (`callstackctl doctor --direct`).  No GLib. */
#pragma once

#include <stdint.h>

#include "hotplug/hotplug-probe.h"

/* Opens path O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC in raw 8N1 at 115200
 * and drops stale input.  Returns the fd or -errno. */
int hotplug_tty_open(const char *path);

/* Writes the probe's pending command to fd; -errno on failure (EAGAIN
 * leaves it pending). */
int hotplug_tty_write_pending(int fd, HotplugProbe *p);

/* Opens path and runs a whole probe with poll(); *ret is the finished
 * probe (also when the port was silent).  -errno if the port cannot be
 * opened. */
int hotplug_probe_run_sync(const char *path, uint64_t command_timeout_usec, HotplugProbeFlags flags,
                           HotplugProbe **ret);
