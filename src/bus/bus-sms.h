/* SMS on the bus: the store, one Messaging service per ready modem, the
 * org.callstack.SMS objects /org/callstack/SMS/N (N = the store's message
 * id: never reused, not even across restarts) and the
 * org.callstack.Modem.Messaging interface on every modem (bus-messaging.c).
 *
 * Objects are restored from the store on start.  Properties and signals
 * carry no number and no text; those leave the daemon only through Read()
 * to a caller polkit authorised (org.callstack.sms.read). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "daemon/manager.h"
#include "messaging/messaging.h"
#include "store/store.h"

#define BUS_SMS_PATH_PREFIX "/org/callstack/SMS"
#define BUS_SMS_PATH_MAX 48
#define BUS_SMS_INTERFACE "org.callstack.SMS"
#define BUS_MESSAGING_INTERFACE "org.callstack.Modem.Messaging"

typedef struct BusSms BusSms;

typedef struct BusSmsOptions {
        uint64_t group_max_age_usec; /* 0: 24 h */
} BusSmsOptions;

/* One SMS object as the bus sees it: the store row minus number and text. */
typedef struct BusSmsRecord {
        int64_t id;
        char *modem_key;
        StoreDirection direction;
        StoreSmsState state;
        char *state_reason;
        uint64_t timestamp;
        unsigned parts_total, parts_received;
        ReassemblyEncoding encoding;
        uint32_t reference;
        StoreDeliveryStatus delivery_status;
        bool delivery_report;
} BusSmsRecord;

/* A ready modem and its SMS service. */
typedef struct BusSmsModem {
        uint32_t modem_id;
        Modem *modem;
        AtChat *chat; /* our reference: commands we own are cancelled through it */
        Messaging *messaging; /* NULL until the modem key is known */
        char *modem_key;
        bool identity_pending;
        struct BusSms *hub;
} BusSmsModem;

struct BusSms {
        Manager *manager;
        Store *store;
        BusSmsOptions options;
        BusSmsRecord *records; /* by increasing id */
        size_t n_records;
        BusSmsModem **modems;
        size_t n_modems;
        sd_bus_slot *sms_slot, *sms_enum_slot, *messaging_slot;
};

/* Opens <state_dir>/callstack.db (refusing a corrupt/read-only one: the
 * error is returned and logged once), fails interrupted sends, loads the
 * objects.  m->sms is set. */
int bus_sms_new(Manager *m, const char *state_dir, const BusSmsOptions *options);
void bus_sms_free(Manager *m);

/* Vtables for /org/callstack/SMS and the Messaging interface; called
 * once the bus is connected. */
int bus_sms_register(Manager *m);

/* From the Manager's modem callback: starts SMS once the modem is ready
 * (SIM unlocked), stops it when the modem is gone. */
void bus_sms_modem_changed(Manager *m, Modem *modem);
void bus_sms_modem_removed(Manager *m, Modem *modem);

/* "/org/callstack/SMS/N" <-> N. */
const char *bus_sms_path(int64_t id, char buf[BUS_SMS_PATH_MAX]);
int bus_sms_path_parse(const char *path, int64_t *ret_id);

BusSmsRecord *bus_sms_find_record(struct BusSms *s, int64_t id);
BusSmsModem *bus_sms_find_modem(struct BusSms *s, uint32_t modem_id);
/* The modem currently serving modem_key, or NULL. */
BusSmsModem *bus_sms_find_modem_by_key(struct BusSms *s, const char *modem_key);
/* (Re)loads a record from the store; announces a new one when announce
 * (InterfacesAdded + Messaging.Added) or PropertiesChanged otherwise. */
int bus_sms_refresh(struct BusSms *s, int64_t id, bool announce);
int bus_sms_remove_record(struct BusSms *s, int64_t id);

/* bus-messaging.c: the Messaging vtable. */
int bus_messaging_register(Manager *m);
