/* Test driver for src/hotplug without the daemon: runs the gudev monitor
 * on a GLib main loop and prints one JSON object a line on stdout:
 *   {"event":"started"}
 *   {"event":"added","key":...,"at":...,"profile":...,"manufacturer":...,
 *    "model":...,"ports":[[path,role],...],"probe_commands":N,
 *    "first_event_usec":T,"ready_usec":T}
 *   {"event":"removed","key":...}
 * Used by tests/integration/hotplug (under umockdev) and bench/. */
#include <getopt.h>
#include <glib-unix.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotplug/hotplug-monitor.h"
#include "profile/profile-db.h"
#include "util/log.h"

static void print_json_string(const char *s) {
        putchar('"');
        for (; s && *s; s++) {
                unsigned char c = (unsigned char)*s;
                if (c == '"' || c == '\\')
                        printf("\\%c", c);
                else if (c < 0x20 || c >= 0x7f)
                        printf("\\u%04x", c);
                else
                        putchar(c);
        }
        putchar('"');
}

static int on_added(HotplugMonitor *m, const HotplugModemInfo *info, void *userdata) {
        printf("{\"event\":\"added\",\"key\":");
        print_json_string(info->key);
        printf(",\"vid\":\"%04x\",\"pid\":\"%04x\",\"at\":", info->vid, info->pid);
        print_json_string(info->at_port);
        printf(",\"profile\":");
        print_json_string(profile_get_id(info->profile));
        printf(",\"manufacturer\":");
        print_json_string(info->manufacturer);
        printf(",\"model\":");
        print_json_string(info->model);
        printf(",\"ports\":[");
        for (size_t i = 0; i < info->n_ports; i++) {
                printf("%s[", i ? "," : "");
                print_json_string(info->port_paths[i]);
                putchar(',');
                print_json_string(info->port_roles[i]);
                putchar(']');
        }
        printf("],\"probe_commands\":%u,\"first_event_usec\":%llu,\"ready_usec\":%llu}\n",
               info->probe_commands, (unsigned long long)info->first_event_usec,
               (unsigned long long)info->ready_usec);
        fflush(stdout);
        return 0;
}

static void on_removed(HotplugMonitor *m, const char *key, void *userdata) {
        printf("{\"event\":\"removed\",\"key\":");
        print_json_string(key);
        printf("}\n");
        fflush(stdout);
}

static gboolean on_signal(gpointer userdata) {
        g_main_loop_quit(userdata);
        return G_SOURCE_REMOVE;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                {"settle-ms", required_argument, NULL, 's'},
                {"probe-timeout-ms", required_argument, NULL, 't'},
                {"profiles", required_argument, NULL, 'p'},
                {"debug", no_argument, NULL, 'd'},
                {},
        };
        const char *dirs[2] = {NULL, NULL};
        HotplugOptions opts = {0};
        ProfileDb *db = NULL;
        HotplugMonitor *m = NULL;
        GMainLoop *loop;
        int c, r;

        log_setup("hotplug-monitor-tool", LOG_LEVEL_INFO, LOG_TARGET_STDERR);
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                switch (c) {
                case 's':
                        opts.settle_usec = strtoull(optarg, NULL, 10) * 1000;
                        break;
                case 't':
                        opts.probe_timeout_usec = strtoull(optarg, NULL, 10) * 1000;
                        break;
                case 'p':
                        dirs[0] = optarg;
                        break;
                case 'd':
                        log_set_level(LOG_LEVEL_DEBUG);
                        break;
                default:
                        return 2;
                }
        }
        r = profile_db_load(dirs, &db);
        if (r < 0)
                return 1;
        for (size_t i = 0; i < profile_db_error_count(db); i++)
                fprintf(stderr, "profile: %s\n", profile_db_get_error(db, i));
        opts.profiles = db;
        loop = g_main_loop_new(NULL, FALSE);
        const HotplugCallbacks cb = {.modem_added = on_added, .modem_removed = on_removed};
        r = hotplug_monitor_new(&opts, &cb, NULL, &m);
        if (r >= 0)
                r = hotplug_monitor_start(m);
        if (r < 0) {
                fprintf(stderr, "monitor: %s\n", strerror(-r));
                return 1;
        }
        printf("{\"event\":\"started\"}\n");
        fflush(stdout);
        g_unix_signal_add(SIGTERM, on_signal, loop);
        g_unix_signal_add(SIGINT, on_signal, loop);
        g_main_loop_run(loop);
        hotplug_monitor_free(m);
        g_main_loop_unref(loop);
        profile_db_free(db);
        return 0;
}
