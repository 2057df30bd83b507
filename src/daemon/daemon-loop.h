/* The process's one event loop: a GLib main loop on the outside (libgudev
 * needs a GMainContext) with sd-event, which carries sd-bus and the AT
 * channels, wrapped as a GSource.  GLib stays inside this file (and
 * src/hotplug/). */
#pragma once

#include <systemd/sd-event.h>

/* Runs until sd_event_exit(); returns the exit code given to it, or
 * -errno if the loop failed. */
int daemon_loop_run(sd_event *event);
