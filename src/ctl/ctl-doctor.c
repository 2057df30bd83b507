/* `callstackctl doctor`: why is (or isn't) my modem on the bus?
 *
 * Lists the USB serial ports udev knows (libudev, no GLib), what the
 * udev rules said about each (candidate, role, ignored, ModemManager's
 * tag), and then either what callstackd made of them (bus: which modem
 * object claims the port, with which role and profile) or, with
 * --direct, what the port answers to the safe probe (AT, ATE0, AT+CGMI,
 * AT+CGMM, AT+CGMR, AT+GCAP, ATI: the same GLib-free probe callstackd
 * uses) and which profile that identity selects, and why.
 *
 * Serial-number-like values in answers are masked.  Ports tagged
 * ID_CALLSTACK_IGNORE are never opened unless named on the command line. */
#include "ctl/ctl-doctor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <unistd.h>
#include <libudev.h>

#include "config.h"
#include "hotplug/hotplug-probe.h"
#include "hotplug/hotplug-tty.h"
#include "profile/profile-db.h"
#include "util/cleanup.h"
#include "util/strutil.h"

#define DOCTOR_PROBE_TIMEOUT_USEC (500 * 1000)
#define DOCTOR_MAX_PORTS 64

typedef struct DoctorPort {
        char *devnode;
        char *syspath;
        uint16_t vid, pid;
        int ifnum;
        char *driver;
        bool candidate, ignore, opt_in, mm_ignore;
        char *role;
} DoctorPort;

static void port_done(DoctorPort *p) {
        free(p->devnode);
        free(p->syspath);
        free(p->driver);
        free(p->role);
}

/* As callstackd reads them (src/hotplug): yes/no spellings; a value that
 * is neither counts as set for ID_CALLSTACK_IGNORE only. */
static bool prop_true(struct udev_device *d, const char *key) {
        const char *v = d ? udev_device_get_property_value(d, key) : NULL;
        int r;

        if (!v || !*v)
                return false;
        r = parse_boolean(v);
        return r >= 0 ? r > 0 : streq(key, "ID_CALLSTACK_IGNORE");
}

static uint16_t attr_hex(struct udev_device *d, const char *name) {
        const char *v = d ? udev_device_get_sysattr_value(d, name) : NULL;
        return v ? (uint16_t)strtoul(v, NULL, 16) : 0;
}

/* libudev rather than sd-device: umockdev (the tests' fake devices)
 * supports libudev's way of reading /sys and the udev database. */
static int collect(DoctorPort *ports, size_t *n) {
        struct udev *udev = udev_new();
        struct udev_enumerate *e = NULL;
        struct udev_list_entry *l;
        int r = 0;

        if (!udev)
                return -ENOMEM;
        e = udev_enumerate_new(udev);
        if (!e || udev_enumerate_add_match_subsystem(e, "tty") < 0 || udev_enumerate_scan_devices(e) < 0) {
                r = -EIO;
                goto finish;
        }
        udev_list_entry_foreach(l, udev_enumerate_get_list_entry(e)) {
                struct udev_device *d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(l));
                struct udev_device *usb, *intf;
                const char *node, *ifs, *drv, *role;

                if (!d)
                        continue;
                node = udev_device_get_devnode(d);
                /* only ports behind USB: virtual consoles and on-board UARTs are not modems here */
                usb = udev_device_get_parent_with_subsystem_devtype(d, "usb", "usb_device");
                if (!node || !usb || *n >= DOCTOR_MAX_PORTS) {
                        udev_device_unref(d);
                        continue;
                }
                intf = udev_device_get_parent_with_subsystem_devtype(d, "usb", "usb_interface");
                DoctorPort *p = &ports[(*n)++];
                *p = (DoctorPort){.ifnum = -1};
                p->devnode = strdup(node);
                p->syspath = strdup(udev_device_get_syspath(d));
                p->vid = attr_hex(usb, "idVendor");
                p->pid = attr_hex(usb, "idProduct");
                ifs = intf ? udev_device_get_sysattr_value(intf, "bInterfaceNumber") : NULL;
                if (ifs)
                        p->ifnum = (int)strtol(ifs, NULL, 16);
                drv = intf ? udev_device_get_driver(intf) : NULL;
                if (drv)
                        p->driver = strdup(drv);
                p->candidate = prop_true(d, "ID_CALLSTACK_CANDIDATE");
                p->ignore = prop_true(d, "ID_CALLSTACK_IGNORE");
                p->opt_in = prop_true(d, "ID_CALLSTACK_OPT_IN");
                p->mm_ignore = prop_true(d, "ID_MM_DEVICE_IGNORE") || prop_true(usb, "ID_MM_DEVICE_IGNORE");
                role = udev_device_get_property_value(d, "ID_CALLSTACK_PORT_ROLE");
                if (role)
                        p->role = strdup(role);
                udev_device_unref(d); /* parents are owned by the child */
                if (!p->devnode || !p->syspath) {
                        r = -ENOMEM;
                        break;
                }
        }
finish:
        udev_enumerate_unref(e);
        udev_unref(udev);
        return r;
}

static const char *udev_verdict(const DoctorPort *p) {
        if (p->ignore)
                return "ignored (ID_CALLSTACK_IGNORE=1: a known non-modem adapter, or an administrator gave "
                       "it to another program); callstackd never opens it";
        if (!p->candidate)
                return "not a candidate (no callstack rule knows this device; opt in with "
                       "ID_CALLSTACK_OPT_IN=1, see README \"Hotplug and udev\"); callstackd never opens it";
        return "candidate: callstackd may open and probe it";
}

static void print_udev(const DoctorPort *p) {
        printf("%s\n", p->devnode);
        printf("  usb:       %04x:%04x interface %d%s%s\n", p->vid, p->pid, p->ifnum,
               p->driver ? " driver " : "", p->driver ? p->driver : "");
        printf("  udev:      ID_CALLSTACK_CANDIDATE=%d ID_CALLSTACK_PORT_ROLE=%s ID_CALLSTACK_IGNORE=%d "
               "ID_MM_DEVICE_IGNORE=%d%s\n",
               p->candidate, p->role ? p->role : "-", p->ignore, p->mm_ignore,
               p->opt_in ? " ID_CALLSTACK_OPT_IN=1" : "");
        printf("  verdict:   %s\n", udev_verdict(p));
        if (p->candidate && !p->mm_ignore)
                printf("  warning:   not tagged ID_MM_DEVICE_IGNORE: ModemManager may use it too\n");
}

/* Profiles of db read from a file directly in dir. */
static size_t profiles_from_dir(const ProfileDb *db, const char *dir) {
        size_t n = 0, l = strlen(dir);

        for (size_t i = 0; i < profile_db_count(db); i++) {
                const char *path = profile_get_path(profile_db_get(db, i));
                if (path && strncmp(path, dir, l) == 0 && path[l] == '/' && !strchr(path + l + 1, '/'))
                        n++;
        }
        return n;
}

/* "profiles: N loaded from DIR, DIR": a build tree's doctor finds none
 * (they are not installed yet), and "generic, because no profile claims
 * it" alone did not say so. */
static bool seen_before(const char *const *dirs, size_t d) {
        for (size_t i = 0; i < d; i++)
                if (streq(dirs[i], dirs[d]))
                        return true;
        return false;
}

static void print_profiles_summary(const ProfileDb *db, const char *const *dirs) {
        size_t total = 0;

        /* CALLSTACK_PROFILES_DIR may name a default directory again */
        for (size_t d = 0; dirs[d]; d++)
                if (!seen_before(dirs, d))
                        total += profiles_from_dir(db, dirs[d]);
        if (total > 0) {
                const char *sep = "";
                printf("profiles: %zu loaded from ", total);
                for (size_t d = 0; dirs[d]; d++)
                        if (!seen_before(dirs, d) && profiles_from_dir(db, dirs[d]) > 0) {
                                printf("%s%s", sep, dirs[d]);
                                sep = ", ";
                        }
                printf("\n");
                return;
        }
        printf("profiles: 0 loaded (looked in ");
        for (size_t d = 0; dirs[d]; d++)
                if (!seen_before(dirs, d))
                        printf("%s%s", d ? ", " : "", dirs[d]);
        printf("), only the built-in generic; CALLSTACK_PROFILES_DIR=DIR adds a directory "
               "(callstackd: --profiles-dir DIR)\n");
}

static ProfileDb *load_profiles(void) {
        const char *extra = getenv("CALLSTACK_PROFILES_DIR");
        const char *dirs[] = {extra ? extra : CALLSTACK_PROFILES_ETC_DIR,
                              extra ? CALLSTACK_PROFILES_ETC_DIR : CALLSTACK_PROFILES_DIR,
                              extra ? CALLSTACK_PROFILES_DIR : NULL, NULL};
        ProfileDb *db = NULL;

        if (profile_db_load(dirs, &db) < 0)
                return NULL;
        print_profiles_summary(db, dirs);
        for (size_t i = 0; i < profile_db_error_count(db); i++)
                printf("profile error: %s\n", profile_db_get_error(db, i));
        return db;
}

static const char *match_reason(int score) {
        if (score >= 4)
                return "its AT+CGMM answer matches the profile's model patterns";
        if (score >= 2)
                return "its AT+CGMI answer matches the profile's manufacturer patterns";
        if (score >= 1)
                return "its USB vendor:product is listed in the profile";
        return "no profile claims it: generic (standard 27.007/27.005 commands, capabilities unknown)";
}

static int probe_port(const DoctorPort *p, const ProfileDb *db) {
        _cleanup_(hotplug_probe_freep) HotplugProbe *probe = NULL;
        int r = hotplug_probe_run_sync(p->devnode, DOCTOR_PROBE_TIMEOUT_USEC, HOTPLUG_PROBE_GCAP, &probe);

        if (r < 0) {
                printf("  probe:     cannot open: %s\n", strerror(-r));
                return r;
        }
        for (size_t i = 0; hotplug_probe_get_transcript(probe, i); i++)
                printf("  sent:      %s\n", hotplug_probe_get_transcript(probe, i));
        printf("  answer:    %s (%u commands)\n",
               hotplug_probe_result_to_string(hotplug_probe_get_result(probe)),
               hotplug_probe_get_commands_sent(probe));
        if (hotplug_probe_get_result(probe) != HOTPLUG_PROBE_AT) {
                printf("  role:      %s (no AT interpreter answered)\n", p->role ? p->role : "unknown");
                return 0;
        }
        const char *mf = hotplug_probe_get_manufacturer(probe), *model = hotplug_probe_get_model(probe);
        char m1[160], m2[160], m3[160];
        printf("  identity:  manufacturer \"%s\", model \"%s\", revision \"%s\"\n",
               hotplug_mask_serials(mf, m1, sizeof(m1)), hotplug_mask_serials(model, m2, sizeof(m2)),
               hotplug_mask_serials(hotplug_probe_get_revision(probe), m3, sizeof(m3)));
        if (db) {
                const Profile *prof = NULL;
                int score = profile_db_match(db, p->vid, p->pid, mf, model, &prof);
                printf("  profile:   %s, because %s\n", profile_get_id(prof), match_reason(score));
                ProfilePortRole pr = p->ifnum >= 0 ? profile_get_port_role(prof, (unsigned)p->ifnum)
                                                   : PROFILE_PORT_UNKNOWN;
                if (p->role)
                        printf("  role:      %s (from udev)\n", p->role);
                else if (pr != PROFILE_PORT_UNKNOWN)
                        printf("  role:      %s (from the profile's [ports])\n",
                               profile_port_role_to_string(pr));
                else
                        printf("  role:      at (answered AT)\n");
        }
        return 0;
}

/* Bus view: which modem claims each port. */
static void print_bus_view(const DoctorPort *ports, size_t n, const char *address) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *path;
        int r;

        if (address) {
                r = sd_bus_new(&bus);
                if (r >= 0)
                        r = sd_bus_set_address(bus, address);
                if (r >= 0)
                        r = sd_bus_set_bus_client(bus, true);
                if (r >= 0)
                        r = sd_bus_start(bus);
        } else
                r = sd_bus_open_system(&bus);
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        unsigned modems = 0;

        if (r >= 0)
                r = sd_bus_call_method(bus, "org.callstack", "/org/callstack", "org.callstack.Manager",
                                       "ListModems", &e, &reply, "");
        if (r < 0) {
                bool absent = sd_bus_error_has_names(&e, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER);
                printf("\ncallstackd: %s%s%s; `callstackctl doctor --direct` probes the ports without it\n",
                       absent ? "not running on this bus" : "not reachable (", absent ? "" : strerror(-r),
                       absent ? "" : ")");
                return;
        }
        printf("\ncallstackd:\n");
        bool claimed[DOCTOR_MAX_PORTS] = {false};
        r = sd_bus_message_enter_container(reply, 'a', "o");
        while (r >= 0 && sd_bus_message_read(reply, "o", &path) > 0) {
                modems++;
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *pm = NULL;
                _cleanup_free_ char *profile = NULL, *state = NULL, *mf = NULL, *model = NULL;
                const char *pp, *role;

                (void)sd_bus_get_property_string(bus, "org.callstack", path, "org.callstack.Modem",
                                                 "Profile", NULL, &profile);
                (void)sd_bus_get_property_string(bus, "org.callstack", path, "org.callstack.Modem", "State",
                                                 NULL, &state);
                (void)sd_bus_get_property_string(bus, "org.callstack", path, "org.callstack.Modem",
                                                 "Manufacturer", NULL, &mf);
                (void)sd_bus_get_property_string(bus, "org.callstack", path, "org.callstack.Modem", "Model",
                                                 NULL, &model);
                printf("  %s: %s %s, profile %s, state %s\n", path, mf ? mf : "?", model ? model : "?",
                       profile ? profile : "?", state ? state : "?");
                if (sd_bus_get_property(bus, "org.callstack", path, "org.callstack.Modem", "Ports", NULL,
                                        &pm, "a(ss)") < 0)
                        continue;
                if (sd_bus_message_enter_container(pm, 'a', "(ss)") < 0)
                        continue;
                while (sd_bus_message_read(pm, "(ss)", &pp, &role) > 0) {
                        printf("    %s as %s\n", pp, role);
                        for (size_t i = 0; i < n; i++)
                                if (streq(ports[i].devnode, pp))
                                        claimed[i] = true;
                }
        }
        if (modems == 0)
                printf("  no modems\n");
        for (size_t i = 0; i < n; i++)
                if (ports[i].candidate && !ports[i].ignore && !claimed[i])
                        printf("  %s: candidate but no modem claims it (not answering AT, still probing, or "
                               "not an AT port)\n",
                               ports[i].devnode);
}

int ctl_doctor(const CtlArgs *a) {
        DoctorPort ports[DOCTOR_MAX_PORTS];
        size_t n = 0;
        const char *only = a->n_args > 0 ? a->args[0] : NULL;
        ProfileDb *db = NULL;
        int r, shown = 0;

        r = collect(ports, &n);
        if (r < 0 && n == 0)
                fprintf(stderr, "callstackctl: cannot enumerate serial ports through udev: %s\n",
                        strerror(-r));
        if (a->direct)
                db = load_profiles();

        for (size_t i = 0; i < n; i++) {
                const DoctorPort *p = &ports[i];
                if (only && !streq(only, p->devnode))
                        continue;
                shown++;
                print_udev(p);
                if (!a->direct)
                        continue;
                /* the probe never touches what udev says is not ours,
                 * unless the port was named on the command line */
                if ((p->ignore || !p->candidate) && !only) {
                        printf("  probe:     skipped (not a candidate; name the port to probe it anyway)\n");
                        continue;
                }
                if (p->role &&
                    (streq(p->role, "diag") || streq(p->role, "gnss") || streq(p->role, "audio")) && !only) {
                        printf("  probe:     skipped (role %s: no AT commands sent)\n", p->role);
                        continue;
                }
                (void)probe_port(p, db);
        }
        if (only && shown == 0 && access(only, F_OK) < 0) {
                /* a typo must not read as "a port udev does not know" */
                fprintf(stderr, "callstackctl: %s: %s\n", only, strerror(errno));
                r = CTL_EXIT_FAILURE;
                goto finish;
        }
        if (only && shown == 0) {
                /* a port udev does not list (e.g. a pty): probe it as asked */
                DoctorPort p = {.devnode = (char *)only, .ifnum = -1};
                printf("%s\n  udev:      not a USB serial port known to udev\n", only);
                if (a->direct) {
                        if (!db)
                                db = load_profiles();
                        (void)probe_port(&p, db);
                }
                shown = 1;
        }
        if (shown == 0)
                printf("no USB serial ports found\n");
        if (!a->direct)
                print_bus_view(ports, n, a->bus_address);
        r = CTL_EXIT_OK;
finish:
        profile_db_free(db);
        for (size_t i = 0; i < n; i++)
                port_done(&ports[i]);
        return r;
}
