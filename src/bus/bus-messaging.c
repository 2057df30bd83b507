/* org.callstack.Modem.Messaging on /org/callstack/Modem/N
 * (dbus/org.callstack.Modem.Messaging.xml): Send, List, Delete and the
 * Added signal (emitted from bus-sms.c).  Send validates everything
 * (number, text, each option's type and range) before polkit and before
 * the modem is touched; InvalidArgs reasons never echo the number or the
 * text. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus-errors.h"
#include "bus/bus-sms.h"
#include "bus/bus-validate.h"
#include "messaging/messaging-validate.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strutil.h"

static BusSmsModem *find_sms_modem(Manager *m, const char *path) {
        uint32_t id;

        if (!m->sms || bus_modem_path_parse(path, &id) < 0)
                return NULL;
        return bus_sms_find_modem(m->sms, id);
}

/* ---- Send ----------------------------------------------------------- */

/* Reads and checks number, text and options; fills *ret_opts (smsc is
 * borrowed from msg). */
static int read_send_args(sd_bus_message *msg, const char **ret_number, const char **ret_text,
                          MessagingSendOptions *ret_opts, sd_bus_error *error) {
        MessagingSendOptions o = MESSAGING_SEND_OPTIONS_INIT;
        const char *number, *text, *reason = NULL;
        int r;

        r = sd_bus_message_read(msg, "ss", &number, &text);
        if (r < 0)
                return r;
        if (messaging_validate_number(number, &reason) < 0 || messaging_validate_text(text, NULL, &reason) < 0)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, reason);

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                const char *key, *contents = NULL;
                char type;

                r = sd_bus_message_read(msg, "s", &key);
                if (r < 0)
                        return r;
                r = sd_bus_message_peek_type(msg, &type, &contents);
                if (r < 0)
                        return r;
                if (streq(key, "delivery-report")) {
                        int b;
                        if (!streq(contents, "b"))
                                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                                        "option delivery-report must be a boolean (b)");
                        r = sd_bus_message_read(msg, "v", "b", &b);
                        o.delivery_report = b;
                } else if (streq(key, "validity")) {
                        uint32_t v;
                        if (!streq(contents, "u"))
                                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                                        "option validity must be minutes (u)");
                        r = sd_bus_message_read(msg, "v", "u", &v);
                        if (r >= 0 && messaging_validate_validity(v, &reason) < 0)
                                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, reason);
                        o.validity_minutes = v;
                } else if (streq(key, "smsc")) {
                        const char *v;
                        if (!streq(contents, "s"))
                                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                                        "option smsc must be a string (s)");
                        r = sd_bus_message_read(msg, "v", "s", &v);
                        if (r >= 0 && messaging_validate_number(v, &reason) < 0)
                                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                                        "option smsc must be '+' and 3-20 digits or 3-20 digits");
                        o.smsc = v;
                } else if (streq(key, "class")) {
                        uint32_t v;
                        if (!streq(contents, "u"))
                                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                                        "option class must be an unsigned integer (u)");
                        r = sd_bus_message_read(msg, "v", "u", &v);
                        if (r >= 0 && messaging_validate_class(v, &reason) < 0)
                                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, reason);
                        o.msg_class = (int)v;
                } else
                        return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                                "unknown option (known: delivery-report, validity, smsc, class)");
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(msg);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(msg);
        if (r < 0)
                return r;
        *ret_number = number;
        *ret_text = text;
        *ret_opts = o;
        return 0;
}

static int send_authorized(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        MessagingSendOptions o;
        const char *number, *text, *reason = NULL;
        char path[BUS_SMS_PATH_MAX];
        BusSmsModem *bm;
        int64_t id;
        int r;

        r = sd_bus_message_rewind(msg, true);
        if (r < 0)
                return r;
        r = read_send_args(msg, &number, &text, &o, error);
        if (r < 0)
                return r;
        bm = find_sms_modem(m, sd_bus_message_get_path(msg));
        if (!bm || !bm->messaging)
                return sd_bus_error_set(error, BUS_ERROR_WRONG_STATE,
                                        "The modem is not ready for SMS (SIM locked, probing or gone)");
        r = messaging_send(bm->messaging, number, text, &o, &id, &reason);
        if (r == -EINVAL || r == -EOPNOTSUPP)
                return sd_bus_error_set(error, r == -EINVAL ? SD_BUS_ERROR_INVALID_ARGS : SD_BUS_ERROR_NOT_SUPPORTED,
                                        reason ? reason : "Invalid arguments");
        if (r < 0) {
                log_error_errno(r, "modem %" PRIu32 ": cannot queue a message: %m", bm->modem_id);
                return sd_bus_error_set(error, BUS_ERROR_FAILED, "The message could not be stored");
        }
        log_info("modem %" PRIu32 ": SMS %" PRId64 " queued", bm->modem_id, id);
        (void)bus_sms_refresh(m->sms, id, true);
        r = sd_bus_reply_method_return(msg, "o", bus_sms_path(id, path));
        return r < 0 ? r : 1;
}

static int method_send(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        MessagingSendOptions o;
        const char *number, *text;
        int r;

        r = read_send_args(msg, &number, &text, &o, error);
        if (r < 0)
                return r;
        return bus_polkit_check(m->polkit, msg, "org.callstack.sms.send", send_authorized, m, error);
}

/* ---- List ----------------------------------------------------------- */

static int list_authorized(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        sd_bus_message *reply = NULL;
        char path[BUS_SMS_PATH_MAX];
        BusSmsModem *bm;
        int r;

        bm = find_sms_modem(m, sd_bus_message_get_path(msg));
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "o");
        for (size_t i = 0; r >= 0 && bm && bm->modem_key && i < m->sms->n_records; i++)
                if (streq(m->sms->records[i].modem_key, bm->modem_key))
                        r = sd_bus_message_append(reply, "o", bus_sms_path(m->sms->records[i].id, path));
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r < 0 ? r : 1;
}

static int method_list(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        return bus_polkit_check(m->polkit, msg, "org.callstack.sms.read", list_authorized, m, error);
}

/* ---- Delete --------------------------------------------------------- */

/* The message at sms_path, if it belongs to the modem at modem_path. */
static BusSmsRecord *find_own_record(Manager *m, const char *modem_path, const char *sms_path) {
        BusSmsModem *bm = find_sms_modem(m, modem_path);
        BusSmsRecord *r;
        int64_t id;

        if (!bm || !bm->modem_key || bus_sms_path_parse(sms_path, &id) < 0)
                return NULL;
        r = bus_sms_find_record(m->sms, id);
        return r && streq(r->modem_key, bm->modem_key) ? r : NULL;
}

static int delete_authorized(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        char path[BUS_SMS_PATH_MAX];
        const char *sms_path;
        BusSmsRecord *rec;
        int64_t id;
        int r;

        r = sd_bus_message_rewind(msg, true);
        if (r >= 0)
                r = sd_bus_message_read(msg, "o", &sms_path);
        if (r < 0)
                return r;
        rec = find_own_record(m, sd_bus_message_get_path(msg), sms_path);
        if (!rec)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "Not a message of this modem");
        /* Its parts are on their way to the modem: deleting it now would
         * send a message of which the store keeps no trace. */
        if (rec->state == STORE_SMS_QUEUED || rec->state == STORE_SMS_SENDING)
                return sd_bus_error_set(error, BUS_ERROR_WRONG_STATE,
                                        "The message is being sent; delete it once it is sent or failed");
        id = rec->id;
        r = store_sms_delete(m->sms->store, id);
        if (r < 0 && r != -ENOENT) {
                log_error_errno(r, "cannot delete SMS %" PRId64 ": %m", id);
                return sd_bus_error_set(error, BUS_ERROR_FAILED, "The message could not be deleted");
        }
        /* InterfacesRemoved first: sd-bus lists the interfaces the object
         * still has, and without its record it has only the standard ones. */
        if (m->bus)
                (void)sd_bus_emit_object_removed(m->bus, bus_sms_path(id, path));
        (void)bus_sms_remove_record(m->sms, id);
        log_info("SMS %" PRId64 " deleted", id);
        r = sd_bus_reply_method_return(msg, NULL);
        return r < 0 ? r : 1;
}

static int method_delete(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *sms_path;
        int r;

        r = sd_bus_message_read(msg, "o", &sms_path);
        if (r < 0)
                return r;
        if (!find_own_record(m, sd_bus_message_get_path(msg), sms_path))
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "Not a message of this modem");
        return bus_polkit_check(m->polkit, msg, "org.callstack.sms.delete", delete_authorized, m, error);
}

static const sd_bus_vtable messaging_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Send", SD_BUS_ARGS("s", number, "s", text, "a{sv}", options),
                                SD_BUS_RESULT("o", sms), method_send, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("List", SD_BUS_NO_ARGS, SD_BUS_RESULT("ao", messages), method_list,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Delete", SD_BUS_ARGS("o", sms), SD_BUS_NO_RESULT, method_delete,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Added", SD_BUS_ARGS("o", sms, "b", incoming), 0),
        SD_BUS_VTABLE_END,
};

static int messaging_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                                 void **ret_found, sd_bus_error *error) {
        Manager *m = userdata;

        if (!manager_find_modem_by_path(m, path))
                return 0;
        *ret_found = m;
        return 1;
}

int bus_messaging_register(Manager *m) {
        return sd_bus_add_fallback_vtable(m->bus, &m->sms->messaging_slot, BUS_MODEM_PATH_PREFIX,
                                          BUS_MESSAGING_INTERFACE, messaging_vtable, messaging_object_find, m);
}
