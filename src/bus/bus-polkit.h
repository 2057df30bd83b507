/* Asynchronous polkit gate for method calls.  A handler validates its
 * arguments, then hands the call to bus_polkit_check() with the polkit
 * action; the call is parked (message referenced) while polkit's
 * CheckAuthorization runs, and the continuation runs only if the caller
 * is authorised.  Otherwise the call is answered here:
 *   not authorised, challenge, polkit absent/failing -> AccessDenied;
 *   more than BUS_POLKIT_MAX_PENDING_PER_SENDER calls of one sender
 *   waiting for polkit -> org.freedesktop.DBus.Error.Busy.
 * Calls are parked independently (clients may pipeline); calls of one
 * sender for one action share the CheckAuthorization in flight.
 * Root is not exempt: polkit decides for every caller. */
#pragma once

#include <systemd/sd-bus.h>

/* Bounds the memory one client can make the daemon hold. */
#define BUS_POLKIT_MAX_PENDING_PER_SENDER 64

typedef struct BusPolkit BusPolkit;

/* Like an sd-bus method handler: < 0 is turned into an error reply (from
 * *error if set, else the errno table); >= 0 means replied or will reply. */
typedef int (*BusPolkitHandler)(sd_bus_message *m, void *userdata, sd_bus_error *error);

int bus_polkit_new(BusPolkit **ret);
/* Drops every parked call (without replying: the bus is going away). */
BusPolkit *bus_polkit_free(BusPolkit *p);

/* Returns what a method handler should return (1: taken care of), or
 * -errno with *error unset if the call could not even be parked. */
int bus_polkit_check(BusPolkit *p, sd_bus_message *m, const char *action, BusPolkitHandler handler,
                     void *userdata, sd_bus_error *error);

/* Number of calls waiting for polkit (tests, shutdown). */
size_t bus_polkit_pending(BusPolkit *p);
