/* The one table that turns -errno from domain code into a D-Bus error
 * (name + fixed message).  Messages are constant strings: they never
 * carry numbers, texts, identities or PINs. */
#pragma once

#include <systemd/sd-bus.h>

#define BUS_ERROR_WRONG_STATE "org.callstack.Error.WrongState"
#define BUS_ERROR_INCORRECT_PIN "org.callstack.Error.IncorrectPin"
#define BUS_ERROR_FAILED "org.callstack.Error.Failed"
#define BUS_ERROR_BUSY "org.freedesktop.DBus.Error.Busy"
#define BUS_ERROR_TIMEOUT "org.freedesktop.DBus.Error.Timeout"

/* Name and message for r (negative errno; the sign is ignored). */
const char *bus_error_name_from_errno(int r);
const char *bus_error_message_from_errno(int r);

/* Sets error from r; returns -abs(r) so a handler can "return bus_error_set_errno(...)". */
int bus_error_set_errno(sd_bus_error *error, int r);
/* Replies to m with the error for r (for asynchronous completions). */
int bus_reply_errno(sd_bus_message *m, int r);
