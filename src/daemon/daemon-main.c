/* callstackd: parse the command line, connect to the bus, own
 * org.callstack, add the --port modems, tell systemd we are ready, run
 * the loop until SIGTERM/SIGINT, free everything. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <systemd/sd-daemon.h>

#include "config.h"
#include "daemon/daemon-args.h"
#include "daemon/daemon-hotplug.h"
#include "daemon/daemon-loop.h"
#include "daemon/manager.h"
#include "bus/bus-sms.h"
#include "util/clock.h"
#include "util/log.h"

/* mkdir -p with mode for the last components. */
static int mkdir_p(const char *path, mode_t mode) {
        char buf[4096];
        size_t len = strlen(path);

        if (len == 0 || len >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, path, len + 1);
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static char *state_dir_default(void) {
        const char *e = getenv("STATE_DIRECTORY");

        /* systemd may pass several, colon-separated: ours is the first. */
        if (e && e[0] == '/')
                return strndup(e, strcspn(e, ":"));
        return strdup(CALLSTACK_STATE_DIR);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        log_info("received %s, exiting", strsignal((int)si->ssi_signo));
        (void)sd_notify(0, "STOPPING=1");
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int run(DaemonArgs *args) {
        sd_event *event = NULL;
        Manager *manager = NULL;
        DaemonHotplug *hotplug = NULL;
        ModemConfig mc = { .signal_interval_usec = (uint64_t)args->signal_interval * USEC_PER_SEC };
        sigset_t mask;
        int r;

        if (!args->state_dir && !(args->state_dir = state_dir_default()))
                return log_error_errno(-ENOMEM, "out of memory");
        /* 0700 like the unit's StateDirectoryMode: it holds messages. */
        r = mkdir_p(args->state_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "--state-dir: cannot create %s: %m", args->state_dir);

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = sd_event_default(&event);
        if (r < 0)
                return log_error_errno(r, "cannot create the event loop: %m");
        r = sd_event_add_signal(event, NULL, SIGTERM, on_signal, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, on_signal, NULL);
        if (r < 0) {
                log_error_errno(r, "cannot watch signals: %m");
                goto finish;
        }

        r = manager_new(event, &mc, &manager);
        if (r < 0) {
                log_error_errno(r, "out of memory");
                goto finish;
        }
        /* The store before the bus: a corrupt or read-only database stops
         * the daemon here rather than dropping messages later. */
        r = bus_sms_new(manager, args->state_dir,
                        &(BusSmsOptions){ .group_max_age_usec = (uint64_t)args->sms_group_max_age * USEC_PER_SEC });
        if (r < 0)
                goto finish;
        r = manager_connect(manager, args->bus_address);
        if (r < 0)
                goto finish;

        {
                DaemonHotplugConfig hc = {
                        .settle_usec = (uint64_t)args->settle_ms * USEC_PER_MSEC,
                        .probe_timeout_usec = (uint64_t)args->probe_timeout_ms * USEC_PER_MSEC,
                        /* --profiles-dir, else $CALLSTACK_PROFILES_DIR (tests, bring-up) */
                        .profiles_dir = args->profiles_dir ? args->profiles_dir : getenv("CALLSTACK_PROFILES_DIR"),
                        .no_monitor = args->no_hotplug,
                };
                /* without profiles or udev the --port modems still work */
                (void)daemon_hotplug_start(manager, &hc, &hotplug);
        }

        for (char **p = args->ports; p && *p; p++) {
                int k = manager_add_port(manager, *p, NULL);
                if (k < 0)
                        log_error_errno(k, "--port %s: cannot add this modem: %m", *p);
        }

        (void)sd_notify(0, "READY=1\nSTATUS=Serving org.callstack");
        log_info("callstackd %s ready on the bus as " MANAGER_BUS_NAME, CALLSTACK_VERSION);

        r = daemon_loop_run(event);
        if (r < 0)
                log_error_errno(r, "event loop failed: %m");
        else if (r > 0) {
                /* sd-bus ends the loop with EXIT_FAILURE when the bus goes away. */
                log_error("lost the connection to the bus, exiting");
                r = -ECONNRESET;
        }

finish:
        manager_free(manager);
        daemon_hotplug_free(hotplug); /* after the manager: its modem watch points here */
        sd_event_unref(event);
        return r;
}

int main(int argc, char **argv) {
        DaemonArgs args;
        char err[256];
        int r;

        if (daemon_args_parse(argc, argv, &args, err, sizeof(err)) < 0) {
                fprintf(stderr, "callstackd: %s\nTry 'callstackd --help'.\n", err);
                return 2;
        }
        switch (args.action) {
        case DAEMON_ACTION_HELP:
                daemon_args_help("callstackd");
                daemon_args_done(&args);
                return 0;
        case DAEMON_ACTION_VERSION:
                printf("callstackd %s\n", CALLSTACK_VERSION);
                daemon_args_done(&args);
                return 0;
        default:
                break;
        }

        log_setup("callstackd", args.log_level, LOG_TARGET_AUTO);
        log_set_show_pii(args.log_pii);
        if (args.log_pii)
                log_warning("--log-pii: personal data will appear in the logs");

        r = run(&args);
        daemon_args_done(&args);
        return r < 0 ? 1 : 0;
}
