/* errno -> D-Bus error, see bus-errors.h and the table in
 * dbus/org.callstack.Manager.xml / README "Errors".  Domain code speaks
 * errno only; this is the single place that knows D-Bus error names. */
#include "bus/bus-errors.h"

#include <errno.h>
#include <stdlib.h>

#include "util/cleanup.h"

typedef struct BusErrorEntry {
        int errnum;
        const char *name;
        const char *message;
} BusErrorEntry;

static const BusErrorEntry table[] = {
        { EINVAL, SD_BUS_ERROR_INVALID_ARGS, "Invalid arguments" },
        { EACCES, SD_BUS_ERROR_ACCESS_DENIED, "Access denied" },
        { EPERM, SD_BUS_ERROR_ACCESS_DENIED, "Access denied" },
        { EBUSY, BUS_ERROR_BUSY, "Busy, try again later" },
        { ETIMEDOUT, BUS_ERROR_TIMEOUT, "The modem did not answer in time" },
        { EOPNOTSUPP, SD_BUS_ERROR_NOT_SUPPORTED, "Not supported by this modem" },
        { ENOENT, SD_BUS_ERROR_UNKNOWN_OBJECT, "No such object" },
        { ENODEV, BUS_ERROR_WRONG_STATE, "The modem is gone" },
        { ECANCELED, BUS_ERROR_WRONG_STATE, "The modem is gone" },
        { EBADFD, BUS_ERROR_WRONG_STATE, "The modem is not in a state that allows this" },
        { EKEYREJECTED, BUS_ERROR_INCORRECT_PIN, "The SIM rejected the PIN" },
        { EIO, BUS_ERROR_FAILED, "The modem answered with an error" },
        { EBADMSG, BUS_ERROR_FAILED, "The modem sent an unexpected reply" },
        { EPROTO, BUS_ERROR_FAILED, "The modem sent an unexpected reply" },
        { ENOMEM, SD_BUS_ERROR_NO_MEMORY, "Out of memory" },
        { ESHUTDOWN, BUS_ERROR_FAILED, "callstackd is stopping; try again once it is back" },
};

static const BusErrorEntry *lookup(int r) {
        int e = abs(r);

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (table[i].errnum == e)
                        return &table[i];
        return NULL;
}

const char *bus_error_name_from_errno(int r) {
        const BusErrorEntry *e = lookup(r);
        return e ? e->name : SD_BUS_ERROR_FAILED;
}

const char *bus_error_message_from_errno(int r) {
        const BusErrorEntry *e = lookup(r);
        return e ? e->message : "Operation failed";
}

int bus_error_set_errno(sd_bus_error *error, int r) {
        const BusErrorEntry *e = lookup(r);

        if (r == 0)
                r = -EIO;
        sd_bus_error_set_const(error, e ? e->name : SD_BUS_ERROR_FAILED,
                               e ? e->message : "Operation failed");
        return -abs(r);
}

int bus_reply_errno(sd_bus_message *m, int r) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int k;

        bus_error_set_errno(&error, r);
        k = sd_bus_reply_method_error(m, &error);
        sd_bus_error_free(&error);
        return k;
}
