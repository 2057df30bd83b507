/* Hotplug -> Manager glue; see daemon-hotplug.h.  The profile chosen by
 * hotplug becomes the modem's Profile/Capabilities; its ports and their
 * roles become the Ports property; the identity hotplug read lets the
 * modem skip re-probing it. */
#include "daemon/daemon-hotplug.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "config.h"
#include "hotplug/hotplug-monitor.h"
#include "modem/modem-profile.h"
#include "profile/profile-db.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strutil.h"

struct DaemonHotplug {
        Manager *manager;
        ProfileDb *profiles;
        HotplugMonitor *monitor;
};

static int modem_profile_from(const Profile *p, ModemProfile **ret) {
        ProfileCapability caps[_PROFILE_CAP_MAX];
        ModemProfile *mp = NULL;
        size_t n;
        int r;

        r = modem_profile_new(profile_get_id(p), &mp);
        if (r < 0)
                return r;
        n = profile_get_capabilities(p, caps);
        for (size_t i = 0; i < n; i++) {
                r = modem_profile_set_capability(mp, caps[i].name, caps[i].value);
                if (r < 0) {
                        modem_profile_free(mp);
                        return r;
                }
        }
        if ((profile_get_cnmi(p) && !(mp->sms_cnmi = strdup(profile_get_cnmi(p)))) ||
            (profile_get_storages(p) && !(mp->sms_storages = strdup(profile_get_storages(p)))) ||
            !(mp->sms_delivery_report = strdup(profile_delivery_report_to_string(profile_get_delivery_report(p))))) {
                modem_profile_free(mp);
                return -ENOMEM;
        }
        for (const char *const *c = profile_get_init_commands(p); c && *c; c++) {
                r = modem_profile_add_init_command(mp, *c);
                if (r == -EINVAL) {
                        log_warning("profile %s: init command ignored (must be one printable AT command)",
                                    profile_get_id(p));
                        continue;
                }
                if (r < 0) {
                        modem_profile_free(mp);
                        return r;
                }
        }
        *ret = mp;
        return 0;
}

static int on_modem_added(HotplugMonitor *mon, const HotplugModemInfo *info, void *userdata) {
        DaemonHotplug *h = userdata;
        ModemPortInfo *extra;
        ModemPortHints hints = {
                .role = "at",
                .device_key = info->key,
                .manufacturer = info->manufacturer,
                .model = info->model,
                .revision = info->revision,
        };
        ModemProfile *mp = NULL;
        Modem *modem;
        int id, r;

        extra = calloc(info->n_ports ? info->n_ports : 1, sizeof(ModemPortInfo));
        if (!extra)
                return -ENOMEM;
        for (size_t i = 0; i < info->n_ports; i++)
                if (!streq(info->port_paths[i], info->at_port))
                        extra[hints.n_extra_ports++] =
                                (ModemPortInfo){info->port_paths[i], info->port_roles[i]};
        hints.extra_ports = extra;

        id = manager_add_port(h->manager, info->at_port, &hints);
        free(extra);
        if (id < 0)
                return id;
        modem = manager_find_modem(h->manager, (uint32_t)id);
        if (modem) {
                r = modem_profile_from(info->profile, &mp);
                if (r < 0)
                        return log_warning_errno(r, "modem %d: cannot set profile %s: %m", id,
                                                 profile_get_id(info->profile));
                modem_set_profile(modem, mp);
        }
        return 0;
}

/* A --port modem (no USB IDs known) whose probe just read its identity. */
static void on_modem_changed(Manager *m, Modem *modem, unsigned props, void *userdata) {
        DaemonHotplug *h = userdata;
        const ModemProfile *cur = modem_get_profile(modem);
        const Profile *p = NULL;
        ModemProfile *mp = NULL;

        if (!(props & (MODEM_PROP_MANUFACTURER | MODEM_PROP_MODEL)))
                return;

        profile_db_match(h->profiles, 0, 0, modem_get_manufacturer(modem), modem_get_model(modem), &p);
        if (cur && cur->id && streq(cur->id, profile_get_id(p)))
                return;
        if (modem_profile_from(p, &mp) < 0)
                return;
        log_info("modem %" PRIu32 ": profile %s", modem_get_id(modem), profile_get_id(p));
        modem_set_profile(modem, mp);
}

static void on_modem_removed(HotplugMonitor *mon, const char *key, void *userdata) {
        DaemonHotplug *h = userdata;
        Manager *m = h->manager;

        for (size_t i = 0; i < m->n_modems; i++) {
                const char *k = modem_get_device_key(m->modems[i]);
                if (k && streq(k, key) && modem_get_state(m->modems[i]) != MODEM_STATE_GONE)
                        manager_remove_modem(m, m->modems[i]);
        }
}

int daemon_hotplug_start(Manager *manager, const DaemonHotplugConfig *config, DaemonHotplug **ret) {
        const char *dirs[] = {config->profiles_dir ? config->profiles_dir : CALLSTACK_PROFILES_ETC_DIR,
                              config->profiles_dir ? CALLSTACK_PROFILES_ETC_DIR : CALLSTACK_PROFILES_DIR,
                              config->profiles_dir ? CALLSTACK_PROFILES_DIR : NULL, NULL};
        DaemonHotplug *h;
        int r;

        h = calloc(1, sizeof(DaemonHotplug));
        if (!h)
                return -ENOMEM;
        h->manager = manager;
        r = profile_db_load(dirs, &h->profiles);
        if (r < 0) {
                daemon_hotplug_free(h);
                return log_error_errno(r, "cannot load capability profiles: %m");
        }
        for (size_t i = 0; i < profile_db_error_count(h->profiles); i++)
                log_warning("profile skipped: %s", profile_db_get_error(h->profiles, i));
        log_info("%zu capability profile(s) loaded", profile_db_count(h->profiles));
        /* h must outlive the manager: daemon-main frees it after manager_free() */
        r = manager_add_modem_watch(manager,
                                    &(ManagerModemWatch){.changed = on_modem_changed, .userdata = h});
        if (r < 0) {
                daemon_hotplug_free(h);
                return log_error_errno(r, "cannot watch modems: %m");
        }
        if (config->no_monitor) {
                *ret = h;
                return 0;
        }

        HotplugOptions opts = {
                .settle_usec = config->settle_usec,
                .probe_timeout_usec = config->probe_timeout_usec,
                .profiles = h->profiles,
        };
        HotplugCallbacks cb = {.modem_added = on_modem_added, .modem_removed = on_modem_removed};
        r = hotplug_monitor_new(&opts, &cb, h, &h->monitor);
        if (r >= 0)
                r = hotplug_monitor_start(h->monitor);
        if (r < 0) {
                /* the --port modems and their profiles still work */
                h->monitor = hotplug_monitor_free(h->monitor);
                log_warning_errno(r, "cannot follow udev, hotplug disabled: %m");
        }
        *ret = h;
        return 0;
}

DaemonHotplug *daemon_hotplug_free(DaemonHotplug *h) {
        if (!h)
                return NULL;
        hotplug_monitor_free(h->monitor);
        profile_db_free(h->profiles);
        free(h);
        return NULL;
}
