/* org.callstack.Modem on /org/callstack/Modem/N
 * (dbus/org.callstack.Modem.xml): properties, PropertiesChanged, and the
 * polkit-gated methods SendPin, GetIdentity, Command. */
#pragma once

#include "daemon/manager.h"

/* Fallback vtable + node enumerator under /org/callstack/Modem. */
int bus_modem_register(Manager *m);

/* PropertiesChanged for the ModemProperty bits in props. */
void bus_modem_emit_changed(Manager *m, Modem *modem, unsigned props);
/* InterfacesAdded / InterfacesRemoved (the modem must still be findable). */
void bus_modem_emit_added(Manager *m, Modem *modem);
void bus_modem_emit_removed(Manager *m, Modem *modem);
