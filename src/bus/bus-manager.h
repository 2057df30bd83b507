/* org.callstack.Manager and org.freedesktop.DBus.ObjectManager on
 * /org/callstack, and the bus name. */
#pragma once

#include "daemon/manager.h"

/* Adds the Manager vtable, the object manager and the Modem objects. */
int bus_manager_register(Manager *m);
/* Requests org.callstack (synchronously, no queueing). */
int bus_manager_request_name(Manager *m);
