/* The simulated modem's end of the wire: a pseudo-terminal whose slave is
 * symlinked to the path the host opens (or a file descriptor handed over,
 * e.g. a umockdev pty), an output queue that applies the reply latency and
 * dropped replies, and unplug/replug. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <systemd/sd-event.h>

#include "sim-modem.h"

typedef struct SimIo SimIo;
typedef void (*SimIoInputFn)(void *userdata, const char *data, size_t len);

/* link_path may be NULL when fd >= 0 (serve on that fd, ownership taken). */
int sim_io_new(sd_event *event, const char *link_path, int fd, SimIoInputFn input, void *userdata,
               SimIo **ret);
/* Closes the pty and removes the link. */
SimIo *sim_io_free(SimIo *io);

/* Creates a new pty and points the link at its slave (-EALREADY if plugged). */
int sim_io_plug(SimIo *io);
/* Closes the pty master (the host sees HUP/EIO) and removes the link. */
int sim_io_unplug(SimIo *io);
bool sim_io_is_plugged(SimIo *io);
/* Borrowed; NULL when unplugged or serving on a handed-over fd. */
const char *sim_io_slave_path(SimIo *io);

void sim_io_set_latency(SimIo *io, uint64_t usec);
uint64_t sim_io_get_latency(SimIo *io);
/* Swallows the next n replies (SIM_OUT_REPLY chunks). */
void sim_io_drop(SimIo *io, unsigned n);
/* Queues modem output: replies after the latency, the rest at once.
 * Discarded while unplugged. */
void sim_io_output(SimIo *io, SimOut kind, const char *data, size_t len);
/* Traffic trace to f (NULL: off). */
void sim_io_set_trace(SimIo *io, FILE *f);
