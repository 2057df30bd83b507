/* Hotplug monitor; see hotplug-monitor.h.
 *
 * Why a settle time: a USB modem's interfaces appear as separate tty
 * uevents a few milliseconds apart.  Probing on the first one would
 * create a modem from half its ports (and miss the AT port when it is not
 * interface 0).  Every new port of a USB device restarts that device's
 * settle timer; the modem is set up when the device has been quiet for
 * settle_usec (default 100 ms, `--settle-ms`) and the probes are done.
 * The port udev tagged "at" is probed right away, during the settle time;
 * the other candidate ports when it ends.
 *
 * Each candidate port gets one GSource carrying its fd and its deadline
 * (g_source_set_ready_time), so all ports of all modems probe in parallel
 * on one thread. */
#include "hotplug/hotplug-monitor.h"

#include <errno.h>
#include <gudev/gudev.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hotplug/hotplug-probe.h"
#include "hotplug/hotplug-tty.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strutil.h"

typedef struct Group Group;

typedef struct Port {
        Group *group;
        char *syspath;
        char *devnode;
        int ifnum; /* -1 when unknown */
        ProfilePortRole udev_role;
        bool udev_role_set;
        /* probing */
        HotplugProbe *probe;
        int fd;
        GSource *source;
        gpointer fd_tag;
        bool probed; /* probe started for the current attempt */
        HotplugProbeResult result;
} Port;

struct Group {
        HotplugMonitor *monitor;
        char *key; /* usb_device sysfs path */
        uint16_t vid, pid;
        GPtrArray *ports; /* Port* */
        GSource *settle;
        bool probing;
        bool settled; /* the settle time passed since the last new port */
        bool claimed;
        bool failed;
        char *at_port;
        uint64_t first_event_usec;
};

struct HotplugMonitor {
        HotplugOptions opts;
        HotplugCallbacks cb;
        void *userdata;
        GUdevClient *client;
        GHashTable *groups; /* key -> Group* */
        size_t n_claimed;
};

static void port_stop_probe(Port *p) {
        if (p->source) {
                g_source_destroy(p->source);
                g_source_unref(p->source);
                p->source = NULL;
        }
        if (p->fd >= 0) {
                close(p->fd);
                p->fd = -1;
        }
        p->probe = hotplug_probe_free(p->probe);
}

static void port_free(gpointer data) {
        Port *p = data;
        port_stop_probe(p);
        free(p->syspath);
        free(p->devnode);
        free(p);
}

static void group_free(gpointer data) {
        Group *g = data;
        if (g->settle) {
                g_source_destroy(g->settle);
                g_source_unref(g->settle);
        }
        g_ptr_array_free(g->ports, TRUE);
        free(g->key);
        free(g->at_port);
        free(g);
}

static uint16_t attr_hex16(GUdevDevice *d, const char *name) {
        const char *v = d ? g_udev_device_get_sysfs_attr(d, name) : NULL;
        char *end;
        unsigned long n;
        if (!v)
                return 0;
        n = strtoul(v, &end, 16);
        return (end == v || n > 0xffff) ? 0 : (uint16_t)n;
}

/* A udev flag: absent -> false; yes/no spellings as udev reads them; any
 * other value -> if_unknown, with a warning (ID_CALLSTACK_IGNORE=maybe
 * means "leave it alone" rather than "open it"). */
static bool udev_flag(GUdevDevice *dev, const char *name, bool if_unknown) {
        const char *v = g_udev_device_get_property(dev, name);
        int r;

        if (!v || !*v)
                return false;
        r = parse_boolean(v);
        if (r >= 0)
                return r > 0;
        log_warning("hotplug: %s: %s has a value that is not a yes/no flag (use 1 or 0); taken as %s",
                    g_udev_device_get_device_file(dev) ?: "?", name, if_unknown ? "1" : "0");
        return if_unknown;
}

static bool udev_ignored(GUdevDevice *dev) {
        return udev_flag(dev, "ID_CALLSTACK_IGNORE", true);
}

static bool udev_candidate(GUdevDevice *dev) {
        return udev_flag(dev, "ID_CALLSTACK_CANDIDATE", false);
}

static Port *find_port(HotplugMonitor *m, const char *syspath, Group **ret_group) {
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, m->groups);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                Group *g = v;
                for (guint i = 0; i < g->ports->len; i++) {
                        Port *p = g_ptr_array_index(g->ports, i);
                        if (streq(p->syspath, syspath)) {
                                if (ret_group)
                                        *ret_group = g;
                                return p;
                        }
                }
        }
        return NULL;
}

/* ---- choosing ports and the profile ----------------------------------- */

static bool probe_role(const Port *p) {
        /* diag, gnss and audio ports are never sent AT commands */
        return !p->udev_role_set || p->udev_role == PROFILE_PORT_AT || p->udev_role == PROFILE_PORT_PPP ||
               p->udev_role == PROFILE_PORT_UNKNOWN;
}

static void group_finish_probe(Group *g) {
        HotplugMonitor *m = g->monitor;
        Port *primary = NULL;
        int best = -1;
        unsigned commands = 0;
        g_autofree char *mf = NULL, *model = NULL, *rev = NULL;
        const Profile *profile = NULL;

        for (guint i = 0; i < g->ports->len; i++) {
                Port *p = g_ptr_array_index(g->ports, i);
                int rank;
                if (p->probe)
                        commands += hotplug_probe_get_commands_sent(p->probe);
                if (p->result != HOTPLUG_PROBE_AT || !p->probe)
                        continue; /* no answer of this attempt (its identity is gone with the probe) */
                /* udev said "at" > answered on a ppp/unknown port; then the
                 * lower interface number */
                rank = (p->udev_role_set && p->udev_role == PROFILE_PORT_AT ? 200 : 100) -
                       (p->ifnum >= 0 && p->ifnum < 100 ? p->ifnum : 99);
                if (rank > best) {
                        best = rank;
                        primary = p;
                }
        }
        g->probing = false;
        if (!primary) {
                g->failed = true;
                log_notice("hotplug: USB device %04x:%04x: no port answered AT; not a modem (or busy)",
                           g->vid, g->pid);
                for (guint i = 0; i < g->ports->len; i++)
                        port_stop_probe(g_ptr_array_index(g->ports, i));
                return;
        }
        /* copies: the probes are freed before the modem is reported */
        mf = g_strdup(hotplug_probe_get_manufacturer(primary->probe));
        model = g_strdup(hotplug_probe_get_model(primary->probe));
        rev = g_strdup(hotplug_probe_get_revision(primary->probe));
        profile_db_match(m->opts.profiles, g->vid, g->pid, mf, model, &profile);

        size_t n = g->ports->len;
        const char **paths = g_new0(const char *, n + 1);
        const char **roles = g_new0(const char *, n + 1);
        for (guint i = 0; i < n; i++) {
                Port *p = g_ptr_array_index(g->ports, i);
                ProfilePortRole role;
                if (p == primary)
                        role = PROFILE_PORT_AT;
                else if (p->udev_role_set && p->udev_role == PROFILE_PORT_AT &&
                         (p->result == HOTPLUG_PROBE_SILENT || p->result == HOTPLUG_PROBE_NOT_AT ||
                          p->result == HOTPLUG_PROBE_GONE))
                        role = PROFILE_PORT_UNKNOWN; /* udev says "at" but it did not answer AT */
                else if (p->udev_role_set)
                        role = p->udev_role;
                else if (p->ifnum >= 0 &&
                         profile_get_port_role(profile, (unsigned)p->ifnum) != PROFILE_PORT_UNKNOWN)
                        role = profile_get_port_role(profile, (unsigned)p->ifnum);
                else if (p->result == HOTPLUG_PROBE_AT)
                        role = PROFILE_PORT_AT;
                else
                        role = PROFILE_PORT_UNKNOWN;
                paths[i] = p->devnode;
                roles[i] = profile_port_role_to_string(role);
        }

        HotplugModemInfo info = {
                .key = g->key,
                .vid = g->vid,
                .pid = g->pid,
                .manufacturer = mf,
                .model = model,
                .revision = rev,
                .profile = profile,
                .at_port = primary->devnode,
                .n_ports = n,
                .port_paths = paths,
                .port_roles = roles,
                .probe_commands = commands,
                .first_event_usec = g->first_event_usec,
                .ready_usec = now_usec_monotonic(),
        };
        free(g->at_port);
        g->at_port = strdup(primary->devnode);
        log_info("hotplug: modem %04x:%04x (%s %s): AT port %s, profile %s, %u probe commands, %.1f ms "
                 "after its first uevent",
                 g->vid, g->pid, mf ? mf : "?", model ? model : "?", primary->devnode,
                 profile_get_id(profile), commands,
                 (double)(info.ready_usec - g->first_event_usec) / 1000.0);

        /* the ports are closed before the modem opens its AT channel */
        for (guint i = 0; i < n; i++)
                port_stop_probe(g_ptr_array_index(g->ports, i));

        int r = m->cb.modem_added ? m->cb.modem_added(m, &info, m->userdata) : 0;
        if (r < 0) {
                log_warning_errno(r, "hotplug: could not add modem %04x:%04x: %m", g->vid, g->pid);
                g->failed = true;
        } else {
                g->claimed = true;
                m->n_claimed++;
        }
        g_free(paths);
        g_free(roles);
}

static void group_check_done(Group *g) {
        bool pending = false, udev_at_answered = false;

        if (!g->settled || g->claimed)
                return;

        for (guint i = 0; i < g->ports->len; i++) {
                Port *p = g_ptr_array_index(g->ports, i);
                if (p->probe && !hotplug_probe_is_done(p->probe))
                        pending = true;
                else if (p->result == HOTPLUG_PROBE_AT && p->udev_role_set &&
                         p->udev_role == PROFILE_PORT_AT)
                        udev_at_answered = true;
        }
        /* The port udev calls "at" answered: that is the AT port; do not
         * wait for silent siblings (a PPP port may never answer while
         * the modem boots).  Otherwise wait for every answer. */
        if (pending && !udev_at_answered)
                return;
        group_finish_probe(g);
}

/* ---- one port's probe on the GLib loop -------------------------------- */

static gboolean port_source_dispatch(GSource *source, GSourceFunc callback, gpointer user_data);

static GSourceFuncs port_source_funcs = {
        .dispatch = port_source_dispatch,
};

typedef struct PortSource {
        GSource source;
        Port *port;
} PortSource;

static void port_rearm(Port *p) {
        uint64_t dl = hotplug_probe_deadline(p->probe);
        g_source_set_ready_time(p->source, dl == UINT64_MAX ? -1 : (gint64)dl);
}

static gboolean port_source_dispatch(GSource *source, GSourceFunc callback, gpointer user_data) {
        Port *p = ((PortSource *)source)->port;
        Group *g = p->group;
        GIOCondition cond = p->fd_tag ? g_source_query_unix_fd(source, p->fd_tag) : 0;
        int r;

        if (cond & G_IO_IN) {
                char buf[512];
                ssize_t n = read(p->fd, buf, sizeof(buf));
                if (n > 0)
                        hotplug_probe_feed(p->probe, buf, (size_t)n, now_usec_monotonic());
                else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                        hotplug_probe_hangup(p->probe);
        } else if (cond & (G_IO_HUP | G_IO_ERR | G_IO_NVAL)) {
                hotplug_probe_hangup(p->probe);
        }
        hotplug_probe_process_timeout(p->probe, now_usec_monotonic());
        r = hotplug_tty_write_pending(p->fd, p->probe);
        if (r < 0 && r != -EAGAIN)
                hotplug_probe_hangup(p->probe);

        if (hotplug_probe_is_done(p->probe)) {
                p->result = hotplug_probe_get_result(p->probe);
                log_debug("hotplug: %s: probe %s after %u commands", p->devnode,
                          hotplug_probe_result_to_string(p->result),
                          hotplug_probe_get_commands_sent(p->probe));
                /* keep the probe (identity) until the group is done; drop the fd */
                if (p->source) {
                        g_source_destroy(p->source);
                        g_source_unref(p->source);
                        p->source = NULL;
                        p->fd_tag = NULL;
                }
                if (p->fd >= 0) {
                        close(p->fd);
                        p->fd = -1;
                }
                group_check_done(g);
                return G_SOURCE_REMOVE;
        }
        port_rearm(p);
        return G_SOURCE_CONTINUE;
}

static int port_start_probe(Port *p) {
        HotplugMonitor *m = p->group->monitor;
        int r;

        p->fd = hotplug_tty_open(p->devnode);
        if (p->fd < 0) {
                r = p->fd;
                p->fd = -1;
                log_info_errno(r, "hotplug: cannot open %s: %m", p->devnode);
                return r;
        }
        r = hotplug_probe_new(m->opts.probe_timeout_usec, HOTPLUG_PROBE_DEFAULT, &p->probe);
        if (r < 0)
                return r;
        p->source = g_source_new(&port_source_funcs, sizeof(PortSource));
        ((PortSource *)p->source)->port = p;
        g_source_set_name(p->source, "callstack-probe");
        p->fd_tag = g_source_add_unix_fd(p->source, p->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
        g_source_attach(p->source, m->opts.context);

        hotplug_probe_start(p->probe, now_usec_monotonic());
        r = hotplug_tty_write_pending(p->fd, p->probe);
        if (r < 0 && r != -EAGAIN)
                hotplug_probe_hangup(p->probe);
        port_rearm(p);
        if (hotplug_probe_is_done(p->probe))
                g_source_set_ready_time(p->source, 0);
        return 0;
}

/* Starts the probe of p unless it already ran in this attempt. */
static void port_maybe_probe(Port *p) {
        if (p->probed || !probe_role(p))
                return;
        p->probed = true;
        p->result = HOTPLUG_PROBE_RUNNING;
        if (port_start_probe(p) < 0) {
                port_stop_probe(p);
                p->result = HOTPLUG_PROBE_GONE;
                return;
        }
        p->group->probing = true;
}

static gboolean on_settle(gpointer userdata) {
        Group *g = userdata;

        g_source_unref(g->settle);
        g->settle = NULL;
        if (g->claimed)
                return G_SOURCE_REMOVE;
        g->settled = true;
        for (guint i = 0; i < g->ports->len; i++)
                port_maybe_probe(g_ptr_array_index(g->ports, i));
        group_check_done(g);
        return G_SOURCE_REMOVE;
}

/* A new port: (re)start the settle time.  The port udev tagged "at" is
 * probed at once, in parallel with the settle time, so a modem is ready
 * about settle_usec after its last port appeared rather than settle_usec
 * plus the whole probe. */
static void group_port_added(Group *g, Port *p) {
        HotplugMonitor *m = g->monitor;

        if (g->claimed)
                return;
        if (g->failed) {
                /* a new port of a device nothing answered on: try again */
                g->failed = false;
                for (guint i = 0; i < g->ports->len; i++)
                        ((Port *)g_ptr_array_index(g->ports, i))->probed = false;
        }
        g->settled = false;
        if (g->settle) {
                g_source_destroy(g->settle);
                g_source_unref(g->settle);
        }
        g->settle = g_timeout_source_new((guint)((m->opts.settle_usec + 999) / 1000));
        g_source_set_callback(g->settle, on_settle, g, NULL);
        g_source_attach(g->settle, m->opts.context);
        if (p->udev_role_set && p->udev_role == PROFILE_PORT_AT)
                port_maybe_probe(p);
}

/* ---- uevents ------------------------------------------------------------ */

static void group_remove_modem(Group *g, const char *why) {
        HotplugMonitor *m = g->monitor;
        if (!g->claimed)
                return;
        g->claimed = false;
        m->n_claimed--;
        log_info("hotplug: modem %04x:%04x gone (%s)", g->vid, g->pid, why);
        /* The ports that stay are a new attempt's: their old answers (and
         * freed probes) must not pick the AT port when a port comes back. */
        g->failed = false;
        g->probing = false;
        free(g->at_port);
        g->at_port = NULL;
        for (guint i = 0; i < g->ports->len; i++) {
                Port *p = g_ptr_array_index(g->ports, i);
                port_stop_probe(p);
                p->probed = false;
                p->result = HOTPLUG_PROBE_RUNNING;
        }
        if (m->cb.modem_removed)
                m->cb.modem_removed(m, g->key, m->userdata);
}

static void handle_tty_remove(HotplugMonitor *m, const char *syspath) {
        Group *g = NULL;
        Port *p = find_port(m, syspath, &g);

        if (!p)
                return;
        bool was_at = g->at_port && streq(g->at_port, p->devnode);
        g_ptr_array_remove(g->ports, p); /* frees p */
        if (was_at)
                group_remove_modem(g, "AT port removed");
        if (g->probing)
                group_check_done(g);
        if (g->ports->len == 0) {
                group_remove_modem(g, "last port removed");
                g_hash_table_remove(m->groups, g->key);
        }
}

static void handle_tty_add(HotplugMonitor *m, GUdevDevice *dev) {
        const char *syspath = g_udev_device_get_sysfs_path(dev);
        const char *devnode = g_udev_device_get_device_file(dev);
        const char *role = g_udev_device_get_property(dev, "ID_CALLSTACK_PORT_ROLE");
        g_autoptr(GUdevDevice) usb = NULL;
        g_autoptr(GUdevDevice) intf = NULL;
        Group *g;
        Port *p;

        if (!syspath || !devnode)
                return;
        if (udev_ignored(dev)) {
                log_debug("hotplug: %s: ID_CALLSTACK_IGNORE set, left alone", devnode);
                return;
        }
        if (!udev_candidate(dev)) {
                log_debug("hotplug: %s: not tagged ID_CALLSTACK_CANDIDATE, left alone", devnode);
                return;
        }
        usb = g_udev_device_get_parent_with_subsystem(dev, "usb", "usb_device");
        if (!usb || !g_udev_device_get_sysfs_path(usb)) {
                log_debug("hotplug: %s: no USB parent, left alone", devnode);
                return;
        }
        if (find_port(m, syspath, NULL))
                return; /* already known (enumeration raced an add) */

        const char *key = g_udev_device_get_sysfs_path(usb);
        g = g_hash_table_lookup(m->groups, key);
        if (!g) {
                g = calloc(1, sizeof(Group));
                if (!g)
                        return;
                g->monitor = m;
                g->key = strdup(key);
                g->ports = g_ptr_array_new_with_free_func(port_free);
                g->vid = attr_hex16(usb, "idVendor");
                g->pid = attr_hex16(usb, "idProduct");
                g->first_event_usec = now_usec_monotonic();
                if (!g->key) {
                        group_free(g);
                        return;
                }
                g_hash_table_insert(m->groups, g->key, g);
        }
        p = calloc(1, sizeof(Port));
        if (!p)
                return;
        p->group = g;
        p->fd = -1;
        p->syspath = strdup(syspath);
        p->devnode = strdup(devnode);
        if (!p->syspath || !p->devnode) {
                port_free(p);
                return;
        }
        intf = g_udev_device_get_parent_with_subsystem(dev, "usb", "usb_interface");
        p->ifnum = -1;
        if (intf) {
                const char *ifs = g_udev_device_get_sysfs_attr(intf, "bInterfaceNumber");
                if (ifs) {
                        char *end;
                        long v = strtol(ifs, &end, 16);
                        if (end != ifs && v >= 0 && v < 256)
                                p->ifnum = (int)v;
                }
        }
        if (role && profile_port_role_from_string(role, &p->udev_role) >= 0)
                p->udev_role_set = true;
        g_ptr_array_add(g->ports, p);
        log_debug("hotplug: %s: port of %04x:%04x, interface %d, udev role %s", devnode, g->vid, g->pid,
                  p->ifnum, p->udev_role_set ? role : "(none)");
        if (g->claimed)
                log_info("hotplug: %s: late port of a modem already set up; ignored until replug", devnode);
        else
                group_port_added(g, p);
}

static void on_uevent(GUdevClient *client, const gchar *action, GUdevDevice *dev, gpointer userdata) {
        HotplugMonitor *m = userdata;
        const char *subsystem = g_udev_device_get_subsystem(dev);
        const char *syspath = g_udev_device_get_sysfs_path(dev);

        if (!action || !subsystem || !syspath)
                return;
        if (streq(subsystem, "usb")) {
                if (streq(action, "remove")) {
                        Group *g = g_hash_table_lookup(m->groups, syspath);
                        if (g) {
                                group_remove_modem(g, "USB device removed");
                                g_hash_table_remove(m->groups, syspath);
                        }
                }
                return;
        }
        if (!streq(subsystem, "tty"))
                return;
        if (streq(action, "remove"))
                handle_tty_remove(m, syspath);
        else if (streq(action, "add"))
                handle_tty_add(m, dev);
        else if (streq(action, "change")) {
                /* the administrator may have retagged it (e.g. given it to
                 * ModemManager): drop it, then take it again if still ours */
                if (find_port(m, syspath, NULL) &&
                    (udev_ignored(dev) || !udev_candidate(dev)))
                        handle_tty_remove(m, syspath);
                else
                        handle_tty_add(m, dev);
        }
}

int hotplug_monitor_new(const HotplugOptions *opts, const HotplugCallbacks *cb, void *userdata,
                        HotplugMonitor **ret) {
        HotplugMonitor *m;

        if (!opts || !opts->profiles)
                return -EINVAL;
        m = calloc(1, sizeof(HotplugMonitor));
        if (!m)
                return -ENOMEM;
        m->opts = *opts;
        if (m->opts.settle_usec == 0)
                m->opts.settle_usec = HOTPLUG_SETTLE_USEC_DEFAULT;
        if (m->opts.probe_timeout_usec == 0)
                m->opts.probe_timeout_usec = HOTPLUG_PROBE_TIMEOUT_USEC_DEFAULT;
        if (!m->opts.context)
                m->opts.context = g_main_context_get_thread_default();
        if (m->opts.context)
                g_main_context_ref(m->opts.context);
        if (cb)
                m->cb = *cb;
        m->userdata = userdata;
        m->groups = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, group_free);
        *ret = m;
        return 0;
}

int hotplug_monitor_start(HotplugMonitor *m) {
        static const gchar *const subsystems[] = {"tty", "usb/usb_device", NULL};
        GList *devices;

        if (m->client)
                return -EALREADY;
        /* GUdevClient attaches its netlink watch to the thread-default context */
        if (m->opts.context)
                g_main_context_push_thread_default(m->opts.context);
        m->client = g_udev_client_new(subsystems);
        if (m->opts.context)
                g_main_context_pop_thread_default(m->opts.context);
        if (!m->client)
                return -ENOMEM;
        g_signal_connect(m->client, "uevent", G_CALLBACK(on_uevent), m);

        devices = g_udev_client_query_by_subsystem(m->client, "tty");
        for (GList *l = devices; l; l = l->next)
                handle_tty_add(m, l->data);
        g_list_free_full(devices, g_object_unref);
        return 0;
}

HotplugMonitor *hotplug_monitor_free(HotplugMonitor *m) {
        if (!m)
                return NULL;
        if (m->client) {
                g_signal_handlers_disconnect_by_data(m->client, m);
                g_object_unref(m->client);
        }
        g_hash_table_destroy(m->groups);
        if (m->opts.context)
                g_main_context_unref(m->opts.context);
        free(m);
        return NULL;
}

size_t hotplug_monitor_count_modems(const HotplugMonitor *m) {
        return m->n_claimed;
}
