/* org.callstack.Manager (dbus/org.callstack.Manager.xml) and the object
 * manager that announces modems as they come and go. */
#include "bus/bus-manager.h"

#include <errno.h>

#include "bus/bus-modem.h"
#include "bus/bus-validate.h"
#include "config.h"
#include "util/log.h"

static int method_list_modems(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        sd_bus_message *reply = NULL;
        char path[BUS_MODEM_PATH_MAX];
        int r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "o");
        for (size_t i = 0; r >= 0 && i < m->n_modems; i++)
                r = sd_bus_message_append(reply, "o", bus_modem_path(modem_get_id(m->modems[i]), path));
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static int property_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", CALLSTACK_VERSION);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("ListModems", SD_BUS_NO_ARGS, SD_BUS_RESULT("ao", modems), method_list_modems,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END,
};

int bus_manager_register(Manager *m) {
        int r;

        r = sd_bus_add_object_vtable(m->bus, &m->manager_slot, MANAGER_OBJECT_PATH, "org.callstack.Manager",
                                     manager_vtable, m);
        if (r < 0)
                return r;
        r = sd_bus_add_object_manager(m->bus, &m->object_manager_slot, MANAGER_OBJECT_PATH);
        if (r < 0)
                return r;
        return bus_modem_register(m);
}

int bus_manager_request_name(Manager *m) {
        return sd_bus_request_name(m->bus, MANAGER_BUS_NAME, 0);
}
