/* org.callstack.SMS objects and the SMS hub, see bus-sms.h.  The object
 * table is a cache of the store's rows without number and text, kept in
 * id order (ids only grow), so property reads never touch SQLite; Read()
 * does, after polkit.  Handlers follow validate -> polkit -> act -> reply. */
#include "bus/bus-sms.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-result.h"
#include "bus/bus-errors.h"
#include "bus/bus-validate.h"
#include "store/store-sha256.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strutil.h"

/* ---- paths ---------------------------------------------------------- */

const char *bus_sms_path(int64_t id, char buf[BUS_SMS_PATH_MAX]) {
        snprintf(buf, BUS_SMS_PATH_MAX, BUS_SMS_PATH_PREFIX "/%" PRId64, id);
        return buf;
}

int bus_sms_path_parse(const char *path, int64_t *ret_id) {
        const char *p;
        int64_t v = 0;

        if (!path || !startswith(path, BUS_SMS_PATH_PREFIX "/"))
                return -EINVAL;
        p = path + strlen(BUS_SMS_PATH_PREFIX "/");
        if (!*p || (*p == '0' && p[1]) || strlen(p) > 18)
                return -EINVAL;
        for (; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                v = v * 10 + (*p - '0');
        }
        *ret_id = v;
        return 0;
}

/* ---- records -------------------------------------------------------- */

static void record_done(BusSmsRecord *r) {
        free(r->modem_key);
        free(r->state_reason);
}

static size_t record_lower_bound(BusSms *s, int64_t id) {
        size_t lo = 0, hi = s->n_records;

        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (s->records[mid].id < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

BusSmsRecord *bus_sms_find_record(BusSms *s, int64_t id) {
        size_t i = record_lower_bound(s, id);
        return i < s->n_records && s->records[i].id == id ? &s->records[i] : NULL;
}

static int record_fill(BusSmsRecord *r, const StoreSms *m) {
        char *key = strdup(m->modem_key), *reason = m->state_reason ? strdup(m->state_reason) : NULL;

        if (!key || (m->state_reason && !reason)) {
                free(key);
                free(reason);
                return -ENOMEM;
        }
        record_done(r);
        *r = (BusSmsRecord){
                .id = m->id,
                .modem_key = key,
                .direction = m->direction,
                .state = m->state,
                .state_reason = reason,
                .timestamp = m->created,
                .parts_total = m->parts_total,
                .parts_received = m->parts_received,
                .encoding = m->encoding,
                .reference = m->reference,
                .delivery_status = m->delivery_status,
                .delivery_report = m->delivery_report,
        };
        return 0;
}

/* Inserts (or updates) the record for m; *ret_new tells which. */
static int record_put(BusSms *s, const StoreSms *m, bool *ret_new) {
        size_t i = record_lower_bound(s, m->id);
        BusSmsRecord *a;

        if (i < s->n_records && s->records[i].id == m->id) {
                *ret_new = false;
                return record_fill(&s->records[i], m);
        }
        a = realloc(s->records, (s->n_records + 1) * sizeof(*a));
        if (!a)
                return -ENOMEM;
        s->records = a;
        memmove(a + i + 1, a + i, (s->n_records - i) * sizeof(*a));
        a[i] = (BusSmsRecord){};
        s->n_records++;
        *ret_new = true;
        return record_fill(&a[i], m);
}

int bus_sms_remove_record(BusSms *s, int64_t id) {
        size_t i = record_lower_bound(s, id);

        if (i >= s->n_records || s->records[i].id != id)
                return -ENOENT;
        record_done(&s->records[i]);
        memmove(s->records + i, s->records + i + 1, (s->n_records - i - 1) * sizeof(BusSmsRecord));
        s->n_records--;
        return 0;
}

BusSmsModem *bus_sms_find_modem(BusSms *s, uint32_t modem_id) {
        for (size_t i = 0; i < s->n_modems; i++)
                if (s->modems[i]->modem_id == modem_id)
                        return s->modems[i];
        return NULL;
}

BusSmsModem *bus_sms_find_modem_by_key(BusSms *s, const char *modem_key) {
        for (size_t i = 0; i < s->n_modems; i++)
                if (s->modems[i]->modem_key && streq(s->modems[i]->modem_key, modem_key))
                        return s->modems[i];
        return NULL;
}

static void emit_added(BusSms *s, const BusSmsRecord *r) {
        Manager *m = s->manager;
        BusSmsModem *bm = bus_sms_find_modem_by_key(s, r->modem_key);
        char path[BUS_SMS_PATH_MAX], mpath[BUS_MODEM_PATH_MAX];
        int k;

        if (!m->bus)
                return;
        k = sd_bus_emit_object_added(m->bus, bus_sms_path(r->id, path));
        if (k < 0)
                log_debug_errno(k, "bus: InterfacesAdded for %s failed: %m", path);
        if (!bm)
                return;
        k = sd_bus_emit_signal(m->bus, bus_modem_path(bm->modem_id, mpath), BUS_MESSAGING_INTERFACE, "Added", "ob",
                               path, r->direction == STORE_DIRECTION_INCOMING);
        if (k < 0)
                log_debug_errno(k, "bus: Added for %s failed: %m", path);
}

int bus_sms_refresh(BusSms *s, int64_t id, bool announce) {
        _cleanup_store_sms_ StoreSms *m = NULL;
        char path[BUS_SMS_PATH_MAX];
        bool is_new;
        int r;

        r = store_sms_get(s->store, id, &m);
        if (r < 0)
                return log_warning_errno(r, "SMS %" PRId64 ": cannot read it back from the store: %m", id);
        if (m->state == STORE_SMS_RECEIVING)
                return 0; /* pending groups are not objects */
        r = record_put(s, m, &is_new);
        if (r < 0)
                return r;
        if (is_new || announce) {
                if (is_new)
                        emit_added(s, bus_sms_find_record(s, id));
                return 0;
        }
        if (s->manager->bus) {
                r = sd_bus_emit_properties_changed(s->manager->bus, bus_sms_path(id, path), BUS_SMS_INTERFACE,
                                                   "State", "PartsReceived", "Reference", "DeliveryStatus", NULL);
                if (r < 0)
                        log_debug_errno(r, "bus: PropertiesChanged for %s failed: %m", path);
        }
        return 0;
}

static int load_records(BusSms *s) {
        StoreSms *list = NULL;
        size_t n = 0;
        int r;

        r = store_sms_list(s->store, NULL, &list, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r >= 0; i++) {
                bool is_new;
                if (list[i].state != STORE_SMS_RECEIVING)
                        r = record_put(s, &list[i], &is_new);
        }
        store_sms_array_free(list, n);
        return r;
}

/* ---- properties ----------------------------------------------------- */

static BusSmsRecord *find_by_path(Manager *m, const char *path) {
        int64_t id;

        if (!m->sms || bus_sms_path_parse(path, &id) < 0)
                return NULL;
        return bus_sms_find_record(m->sms, id);
}

static const char *delivery_status_of(const BusSmsRecord *r) {
        if (r->direction != STORE_DIRECTION_OUTGOING)
                return "";
        /* A status report said it failed: that is a delivery status. */
        if (r->delivery_report && r->delivery_status == STORE_DELIVERY_FAILED)
                return "failed";
        if (r->state == STORE_SMS_FAILED)
                return r->state_reason ? r->state_reason : "failed";
        if (!r->delivery_report)
                return "";
        if (r->delivery_status == STORE_DELIVERY_NONE)
                return r->state == STORE_SMS_SENT ? "pending" : "unknown";
        return store_delivery_status_to_string(r->delivery_status);
}

static int property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        BusSmsRecord *r = find_by_path(m, path);
        char mpath[BUS_MODEM_PATH_MAX];

        if (!r)
                return sd_bus_error_set(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "No such message");
        if (streq(property, "Modem")) {
                BusSmsModem *bm = bus_sms_find_modem_by_key(m->sms, r->modem_key);
                return sd_bus_message_append(reply, "o", bm ? bus_modem_path(bm->modem_id, mpath) : "/");
        }
        if (streq(property, "Direction"))
                return sd_bus_message_append(reply, "s", store_direction_to_string(r->direction));
        if (streq(property, "State"))
                return sd_bus_message_append(reply, "s", store_sms_state_to_string(r->state));
        if (streq(property, "Timestamp"))
                return sd_bus_message_append(reply, "t", r->timestamp);
        if (streq(property, "PartsTotal"))
                return sd_bus_message_append(reply, "u", r->parts_total);
        if (streq(property, "PartsReceived"))
                return sd_bus_message_append(reply, "u", r->parts_received);
        if (streq(property, "Encoding"))
                return sd_bus_message_append(reply, "s", reassembly_encoding_to_string(r->encoding));
        if (streq(property, "Reference"))
                return sd_bus_message_append(reply, "u", r->reference);
        if (streq(property, "DeliveryStatus"))
                return sd_bus_message_append(reply, "s", delivery_status_of(r));
        return -ENOENT;
}

/* ---- Read() --------------------------------------------------------- */

static int append_details(sd_bus_message *reply, const StoreSms *sms) {
        int r;

        r = sd_bus_message_open_container(reply, 'a', "{sv}");
        if (r < 0)
                return r;
        if (sms->smsc && *sms->smsc)
                r = sd_bus_message_append(reply, "{sv}", "smsc", "s", sms->smsc);
        if (r >= 0 && sms->direction == STORE_DIRECTION_INCOMING && sms->timestamp)
                r = sd_bus_message_append(reply, "{sv}", "service-timestamp", "t", sms->timestamp);
        if (r >= 0 && sms->msg_class >= 0)
                r = sd_bus_message_append(reply, "{sv}", "class", "u", (uint32_t)sms->msg_class);
        if (r >= 0)
                r = sd_bus_message_append(reply, "{sv}", "encoding", "s",
                                          reassembly_encoding_to_string(sms->encoding));
        if (r >= 0)
                r = sd_bus_message_append(reply, "{sv}", "state", "s", store_sms_state_to_string(sms->state));
        if (r >= 0 && sms->state_reason)
                r = sd_bus_message_append(reply, "{sv}", "state-reason", "s", sms->state_reason);
        if (r >= 0 && sms->ref_bits)
                r = sd_bus_message_append(reply, "{sv}", "concat-reference", "u", sms->reference);
        if (r >= 0 && sms->direction == STORE_DIRECTION_OUTGOING && sms->delivery_report)
                r = sd_bus_message_append(reply, "{sv}", "delivery-status", "s",
                                          sms->delivery_status == STORE_DELIVERY_NONE
                                                  ? "pending"
                                                  : store_delivery_status_to_string(sms->delivery_status));
        if (r >= 0 && sms->discharge_time)
                r = sd_bus_message_append(reply, "{sv}", "discharge-timestamp", "t", sms->discharge_time);
        if (r >= 0 && sms->conflicts)
                r = sd_bus_message_append(reply, "{sv}", "conflicting-duplicates", "u", sms->conflicts);
        if (r >= 0 && sms->validity_minutes)
                r = sd_bus_message_append(reply, "{sv}", "validity", "u", sms->validity_minutes);

        /* Per part: missing ones (incoming), undecodable ones, and the
         * message references of outgoing parts. */
        if (r >= 0 && sms->direction == STORE_DIRECTION_INCOMING && sms->parts_received < sms->parts_total) {
                r = sd_bus_message_open_container(reply, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(reply, "s", "missing-parts");
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'v', "au");
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'a', "u");
                for (unsigned seq = 1; r >= 0 && seq <= sms->parts_total; seq++) {
                        bool have = false;
                        for (size_t i = 0; i < sms->n_parts && !have; i++)
                                have = sms->parts[i].seq == seq &&
                                       !(sms->parts[i].status && streq(sms->parts[i].status, "conflict"));
                        if (!have)
                                r = sd_bus_message_append(reply, "u", seq);
                }
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
        }
        if (r >= 0) {
                bool any = false;
                for (size_t i = 0; i < sms->n_parts; i++)
                        any = any || sms->parts[i].decode_failed;
                if (any) {
                        r = sd_bus_message_open_container(reply, 'e', "sv");
                        if (r >= 0)
                                r = sd_bus_message_append(reply, "s", "undecodable-parts");
                        if (r >= 0)
                                r = sd_bus_message_open_container(reply, 'v', "au");
                        if (r >= 0)
                                r = sd_bus_message_open_container(reply, 'a', "u");
                        for (size_t i = 0; r >= 0 && i < sms->n_parts; i++)
                                if (sms->parts[i].decode_failed)
                                        r = sd_bus_message_append(reply, "u", sms->parts[i].seq);
                        if (r >= 0)
                                r = sd_bus_message_close_container(reply);
                        if (r >= 0)
                                r = sd_bus_message_close_container(reply);
                        if (r >= 0)
                                r = sd_bus_message_close_container(reply);
                }
        }
        if (r >= 0 && sms->direction == STORE_DIRECTION_OUTGOING) {
                r = sd_bus_message_open_container(reply, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(reply, "s", "message-references");
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'v', "ai");
                if (r >= 0)
                        r = sd_bus_message_open_container(reply, 'a', "i");
                for (size_t i = 0; r >= 0 && i < sms->n_parts; i++)
                        r = sd_bus_message_append(reply, "i", (int32_t)sms->parts[i].mr);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
        }
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static bool part_present(const StoreSms *sms, unsigned seq) {
        for (size_t i = 0; i < sms->n_parts; i++)
                if (sms->parts[i].seq == seq && !(sms->parts[i].status && streq(sms->parts[i].status, "conflict")))
                        return true;
        return false;
}

/* The store marks a missing part "[part N of M missing]" (reassembly.c);
 * on the bus the gap is U+FFFD REPLACEMENT CHARACTER, as
 * dbus/org.callstack.SMS.xml documents, and the numbers are listed in
 * details "missing-parts".  Only the markers of parts really missing are
 * replaced. */
static char *text_with_gaps(const StoreSms *sms) {
        char *t = strdup(sms->text ? sms->text : "");

        for (unsigned seq = 1; t && sms->direction == STORE_DIRECTION_INCOMING && seq <= sms->parts_total; seq++) {
                char marker[64], *at;

                if (part_present(sms, seq))
                        continue;
                snprintf(marker, sizeof(marker), "[part %u of %u missing]", seq, sms->parts_total);
                at = strstr(t, marker);
                if (!at)
                        continue;
                /* U+FFFD is 3 bytes, the marker longer: in place. */
                memcpy(at, "\xef\xbf\xbd", 3);
                memmove(at + 3, at + strlen(marker), strlen(at + strlen(marker)) + 1);
        }
        return t;
}

static int read_authorized(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        _cleanup_store_sms_ StoreSms *sms = NULL;
        _cleanup_free_ char *text = NULL;
        sd_bus_message *reply = NULL;
        int64_t id;
        int r;

        if (!m->sms || bus_sms_path_parse(sd_bus_message_get_path(msg), &id) < 0 ||
            !bus_sms_find_record(m->sms, id))
                return -ENOENT;
        r = store_sms_get(m->sms->store, id, &sms);
        if (r < 0)
                return r == -ENOENT ? r : -EIO;
        text = text_with_gaps(sms);
        if (!text)
                return -ENOMEM;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append(reply, "ss", sms->number ? sms->number : "", text);
        if (r >= 0)
                r = append_details(reply, sms);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r < 0 ? r : 1;
}

static int method_read(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        return bus_polkit_check(m->polkit, msg, "org.callstack.sms.read", read_authorized, m, error);
}

static const sd_bus_vtable sms_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Read", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", number, "s", text, "a{sv}", details),
                                method_read, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Modem", "o", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Direction", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Timestamp", "t", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("PartsTotal", "u", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("PartsReceived", "u", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Encoding", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Reference", "u", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("DeliveryStatus", "s", property_get, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_VTABLE_END,
};

static int sms_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata, void **ret_found,
                           sd_bus_error *error) {
        Manager *m = userdata;

        if (!find_by_path(m, path))
                return 0;
        *ret_found = m;
        return 1;
}

static int sms_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***ret_nodes,
                               sd_bus_error *error) {
        Manager *m = userdata;
        size_t n = m->sms ? m->sms->n_records : 0;
        char **nodes, buf[BUS_SMS_PATH_MAX];

        nodes = calloc(n + 1, sizeof(char *));
        if (!nodes)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                nodes[i] = strdup(bus_sms_path(m->sms->records[i].id, buf));
                if (!nodes[i]) {
                        strv_free(nodes);
                        return -ENOMEM;
                }
        }
        *ret_nodes = nodes;
        return 0;
}

int bus_sms_register(Manager *m) {
        int r;

        if (!m->sms)
                return 0;
        r = sd_bus_add_fallback_vtable(m->bus, &m->sms->sms_slot, BUS_SMS_PATH_PREFIX, BUS_SMS_INTERFACE,
                                       sms_vtable, sms_object_find, m);
        if (r >= 0)
                r = sd_bus_add_node_enumerator(m->bus, &m->sms->sms_enum_slot, BUS_SMS_PATH_PREFIX,
                                               sms_node_enumerator, m);
        if (r >= 0)
                r = bus_messaging_register(m);
        return r;
}

/* ---- the modems' SMS services ----------------------------------------- */

static void on_messaging_added(Messaging *msg, int64_t id, bool incoming, void *userdata) {
        BusSmsModem *bm = userdata;
        (void)bus_sms_refresh(bm->hub, id, true);
}

static void on_messaging_changed(Messaging *msg, int64_t id, void *userdata) {
        BusSmsModem *bm = userdata;
        (void)bus_sms_refresh(bm->hub, id, false);
}

static const char *cap(const ModemProfile *p, const char *feature) {
        for (size_t i = 0; p && i < p->n_caps; i++)
                if (streq(p->caps[i].feature, feature))
                        return p->caps[i].value;
        return "unknown";
}

static void start_messaging(BusSmsModem *bm) {
        BusSms *s = bm->hub;
        const ModemProfile *p = modem_get_profile(bm->modem);
        AtChat *chat = bm->chat;
        MessagingConfig cfg = {
                .modem_key = bm->modem_key,
                .text_mode = streq(cap(p, "sms-pdu"), "unsupported") && streq(cap(p, "sms-text"), "supported"),
                .cnmi = p ? p->sms_cnmi : NULL,
                .report_route = streq(cap(p, "delivery-reports"), "unsupported") ||
                                                (p && p->sms_delivery_report && streq(p->sms_delivery_report, "none"))
                                        ? MESSAGING_REPORT_NONE
                                : p && p->sms_delivery_report && streq(p->sms_delivery_report, "cdsi")
                                        ? MESSAGING_REPORT_CDSI
                                        : MESSAGING_REPORT_CDS,
                .storages = p && p->sms_storages ? p->sms_storages : "SM,ME",
                .group_max_age_usec = s->options.group_max_age_usec,
        };
        MessagingCallbacks cb = {
                .added = on_messaging_added,
                .changed = on_messaging_changed,
                .userdata = bm,
        };
        int r;

        if (!chat)
                return;
        (void)store_modem_seen(s->store, bm->modem_key);
        r = messaging_new(chat, s->manager->event, s->store, NULL, &cfg, &cb, &bm->messaging);
        if (r >= 0)
                r = messaging_start(bm->messaging);
        if (r < 0) {
                log_warning_errno(r, "modem %" PRIu32 ": cannot start the SMS service: %m", bm->modem_id);
                bm->messaging = messaging_free(bm->messaging);
                return;
        }
        log_info("modem %" PRIu32 ": SMS service started", bm->modem_id);
        /* Messages of this modem restored from the store now have a Modem. */
        if (s->manager->bus)
                for (size_t i = 0; i < s->n_records; i++)
                        if (streq(s->records[i].modem_key, bm->modem_key)) {
                                char path[BUS_SMS_PATH_MAX];
                                (void)sd_bus_emit_properties_changed(s->manager->bus,
                                                                     bus_sms_path(s->records[i].id, path),
                                                                     BUS_SMS_INTERFACE, "Modem", NULL);
                        }
}

/* The store key of a modem: SHA-256 of its IMEI (never the IMEI itself);
 * without an IMEI, of its device key or port. */
static void on_cgsn(AtChat *chat, const AtResponse *resp, void *userdata) {
        BusSmsModem *bm = userdata;
        char imei[32] = "", key[STORE_SHA256_HEX_SIZE];
        const char *src;

        if (resp->final == AT_FINAL_CANCELLED || !bm->modem)
                return;
        bm->identity_pending = false;
        for (size_t i = 0; resp->final == AT_FINAL_OK && i < resp->n_lines && !imei[0]; i++) {
                const char *l = resp->lines[i];
                size_t n;

                if (startswith(l, "+CGSN:"))
                        l += 6;
                while (*l == ' ' || *l == '"')
                        l++;
                n = strspn(l, "0123456789");
                if (n >= 14 && n < sizeof(imei)) {
                        memcpy(imei, l, n);
                        imei[n] = '\0';
                }
        }
        if (imei[0])
                src = imei;
        else {
                size_t n;
                const ModemPort *ports = modem_get_ports(bm->modem, &n);
                src = modem_get_device_key(bm->modem) ?: (n > 0 ? ports[0].path : "unknown");
                log_warning("modem %" PRIu32 ": no IMEI, keying its messages by its device", bm->modem_id);
        }
        store_sha256_hex(src, strlen(src), key);
        if (bus_sms_find_modem_by_key(bm->hub, key)) {
                /* Two modems with one IMEI (cloned or placeholder IMEIs such
                 * as all zeros): keep their messages apart by the port too. */
                size_t n;
                const ModemPort *ports = modem_get_ports(bm->modem, &n);
                char both[256];

                snprintf(both, sizeof(both), "%s|%s", src,
                         modem_get_device_key(bm->modem) ?: (n > 0 ? ports[0].path : "unknown"));
                store_sha256_hex(both, strlen(both), key);
                explicit_bzero(both, sizeof(both));
                log_warning("modem %" PRIu32 ": its IMEI is also another modem's; keying its messages by its port too",
                            bm->modem_id);
        }
        explicit_bzero(imei, sizeof(imei));
        bm->modem_key = strdup(key);
        if (!bm->modem_key) {
                log_error("out of memory");
                return;
        }
        start_messaging(bm);
}

static void modem_state_ready(BusSms *s, Modem *modem) {
        BusSmsModem *bm, **a;
        AtChat *chat = modem_get_chat(modem);

        if (!chat)
                return;
        bm = calloc(1, sizeof(*bm));
        if (!bm)
                return;
        a = realloc(s->modems, (s->n_modems + 1) * sizeof(*a));
        if (!a) {
                free(bm);
                return;
        }
        s->modems = a;
        *bm = (BusSmsModem){ .modem_id = modem_get_id(modem), .modem = modem, .chat = at_chat_ref(chat), .hub = s,
                             .identity_pending = true };
        s->modems[s->n_modems++] = bm;
        if (at_chat_send_simple(chat, "AT+CGSN", NULL, 0, bm, on_cgsn, bm) < 0)
                bm->identity_pending = false;
}

void bus_sms_modem_changed(Manager *m, Modem *modem) {
        ModemState st;

        if (!m->sms)
                return;
        st = modem_get_state(modem);
        if (st == MODEM_STATE_GONE || st == MODEM_STATE_FAILED) {
                bus_sms_modem_removed(m, modem);
                return;
        }
        if ((st == MODEM_STATE_READY || st == MODEM_STATE_REGISTERED) &&
            !bus_sms_find_modem(m->sms, modem_get_id(modem)))
                modem_state_ready(m->sms, modem);
}

static void sms_modem_free(BusSmsModem *bm) {
        if (!bm)
                return;
        bm->modem = NULL;
        if (bm->chat) {
                at_chat_cancel_owner(bm->chat, bm);
                at_chat_unref(bm->chat);
        }
        messaging_free(bm->messaging);
        free(bm->modem_key);
        free(bm);
}

void bus_sms_modem_removed(Manager *m, Modem *modem) {
        BusSms *s = m->sms;
        uint32_t id = modem_get_id(modem);

        if (!s)
                return;
        for (size_t i = 0; i < s->n_modems; i++) {
                BusSmsModem *bm = s->modems[i];
                if (bm->modem_id != id)
                        continue;
                memmove(s->modems + i, s->modems + i + 1, (s->n_modems - i - 1) * sizeof(*s->modems));
                s->n_modems--;
                sms_modem_free(bm);
                log_info("modem %" PRIu32 ": SMS service stopped", id);
                return;
        }
}

static void on_modem_changed(Manager *m, Modem *modem, unsigned props, void *userdata) {
        if (props & MODEM_PROP_STATE)
                bus_sms_modem_changed(m, modem);
}

static void on_modem_removing(Manager *m, Modem *modem, void *userdata) {
        bus_sms_modem_removed(m, modem);
}

/* ---- the hub -------------------------------------------------------- */

int bus_sms_new(Manager *m, const char *state_dir, const BusSmsOptions *options) {
        BusSms *s;
        unsigned n = 0;
        int r;

        s = calloc(1, sizeof(*s));
        if (!s)
                return log_error_errno(-ENOMEM, "out of memory");
        s->manager = m;
        if (options)
                s->options = *options;
        r = store_open(state_dir, &s->store);
        if (r < 0) {
                log_error_errno(r, "cannot open the message store in %s: %s", state_dir, store_error_message(r));
                free(s);
                return r;
        }
        r = store_interrupted_sends_fail(s->store, &n);
        if (r < 0) {
                log_error_errno(r, "cannot update interrupted sends: %s", store_error_message(r));
                goto fail;
        }
        if (n > 0)
                log_warning("%u message(s) were being sent when the service stopped: marked failed (interrupted)", n);
        r = load_records(s);
        if (r < 0) {
                log_error_errno(r, "cannot load the stored messages: %s", store_error_message(r));
                goto fail;
        }
        log_info("message store %s: %zu message(s)", store_path(s->store), s->n_records);
        m->sms = s;
        r = manager_add_modem_watch(m, &(ManagerModemWatch){
                                               .changed = on_modem_changed,
                                               .removing = on_modem_removing,
                                       });
        if (r < 0) {
                bus_sms_free(m);
                return log_error_errno(r, "cannot follow the modems: %m");
        }
        return 0;
fail:
        store_close(s->store);
        for (size_t i = 0; i < s->n_records; i++)
                record_done(&s->records[i]);
        free(s->records);
        free(s);
        return r;
}

void bus_sms_free(Manager *m) {
        BusSms *s = m->sms;

        if (!s)
                return;
        for (size_t i = 0; i < s->n_modems; i++)
                sms_modem_free(s->modems[i]);
        free(s->modems);
        sd_bus_slot_unref(s->messaging_slot);
        sd_bus_slot_unref(s->sms_enum_slot);
        sd_bus_slot_unref(s->sms_slot);
        for (size_t i = 0; i < s->n_records; i++)
                record_done(&s->records[i]);
        free(s->records);
        store_close(s->store);
        free(s);
        m->sms = NULL;
}
