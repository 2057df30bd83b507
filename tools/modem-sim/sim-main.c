/* callstack-modem-sim: a simulated AT modem on a pseudo-terminal, with
 * profiles of real modem families and a control socket for tests.  See
 * README.md, section "Simulated modem (callstack-modem-sim)". */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "config.h"
#include "sim-app.h"
#include "sim-control.h"
#include "util/cleanup.h"
#include "util/clock.h"

static void app_output(void *userdata, SimOut kind, const char *data, size_t len) {
        SimApp *app = userdata;

        if (app->io)
                sim_io_output(app->io, kind, data, len);
}

static int on_pending(sd_event_source *s, uint64_t usec, void *userdata) {
        SimApp *app = userdata;

        sim_modem_flush_pending(app->modem);
        return 0;
}

static void app_arm_pending(void *userdata, uint64_t delay) {
        SimApp *app = userdata;

        /* Pending URCs follow the reply they come after, latency included. */
        if (app->io)
                delay += sim_io_get_latency(app->io);
        if (!app->pending_timer)
                (void)sd_event_add_time_relative(app->event, &app->pending_timer, CLOCK_MONOTONIC, delay, 1,
                                                 on_pending, app);
        else {
                (void)sd_event_source_set_time_relative(app->pending_timer, delay);
                (void)sd_event_source_set_enabled(app->pending_timer, SD_EVENT_ONESHOT);
        }
}

static void app_input(void *userdata, const char *data, size_t len) {
        SimApp *app = userdata;

        sim_modem_feed(app->modem, data, len);
}

static int on_periodic(sd_event_source *s, uint64_t usec, void *userdata) {
        SimApp *app = userdata;

        sim_modem_periodic(app->modem);
        (void)sd_event_source_set_time_relative(s, app->periodic_usec);
        return 0;
}

int sim_app_set_periodic(SimApp *app, uint64_t usec) {
        app->periodic_timer = sd_event_source_disable_unref(app->periodic_timer);
        app->periodic_usec = usec;
        if (usec == 0)
                return 0;
        return sd_event_add_time_relative(app->event, &app->periodic_timer, CLOCK_MONOTONIC, usec, 1,
                                          on_periodic, app) < 0
                       ? -ENOMEM
                       : (sd_event_source_set_enabled(app->periodic_timer, SD_EVENT_ON), 0);
}

static void help(void) {
        printf("Usage: callstack-modem-sim --profile NAME --link PATH [OPTIONS]\n"
               "\n"
               "A simulated AT modem on a pseudo-terminal.  Prints \"READY <tty>\" when\n"
               "listening; SIGTERM/SIGINT remove the link and the control socket.\n"
               "\n"
               "  --profile NAME      modem family (see --list-profiles)\n"
               "  --link PATH         symlink to the pty slave (the port the host opens)\n"
               "  --fd N              serve on an already open fd instead of a new pty\n"
               "  --control SOCKET    unix stream control socket (see README)\n"
               "  --latency-ms N      delay every reply by N ms (default 0)\n"
               "  --pin PIN           SIM locked with this PIN (PUK is 12345678)\n"
               "  --script FILE       replay an AT transcript: its TX: lines answered by its RX:\n"
               "                      lines\n"
               "  --log FILE          trace every byte in and out to FILE\n"
               "  --list-profiles     list profiles and exit\n"
               "  --help              this text\n");
}

int main(int argc, char *argv[]) {
        enum {
                ARG_PROFILE = 0x100,
                ARG_LINK,
                ARG_CONTROL,
                ARG_LATENCY,
                ARG_PIN,
                ARG_LOG,
                ARG_LIST,
                ARG_SCRIPT,
                ARG_FD
        };
        static const struct option options[] = {
                {"profile", required_argument, NULL, ARG_PROFILE},
                {"link", required_argument, NULL, ARG_LINK},
                {"control", required_argument, NULL, ARG_CONTROL},
                {"latency-ms", required_argument, NULL, ARG_LATENCY},
                {"pin", required_argument, NULL, ARG_PIN},
                {"log", required_argument, NULL, ARG_LOG},
                {"script", required_argument, NULL, ARG_SCRIPT},
                {"fd", required_argument, NULL, ARG_FD},
                {"list-profiles", no_argument, NULL, ARG_LIST},
                {"help", no_argument, NULL, 'h'},
                {},
        };
        const char *profile_name = "sim7600", *link_path = NULL, *control_path = NULL, *pin = NULL;
        const char *log_path = NULL, *script_path = NULL;
        long latency = 0, fd = -1;
        SimApp app = {};
        sigset_t mask;
        int c, r, ret = EXIT_FAILURE;
        char *end;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        help();
                        return EXIT_SUCCESS;
                case ARG_PROFILE:
                        profile_name = optarg;
                        break;
                case ARG_LINK:
                        link_path = optarg;
                        break;
                case ARG_CONTROL:
                        control_path = optarg;
                        break;
                case ARG_LATENCY:
                        latency = strtol(optarg, &end, 10);
                        if (*end || latency < 0 || latency > 600000) {
                                fprintf(stderr, "modem-sim: bad --latency-ms\n");
                                return 2;
                        }
                        break;
                case ARG_PIN:
                        pin = optarg;
                        break;
                case ARG_LOG:
                        log_path = optarg;
                        break;
                case ARG_SCRIPT:
                        script_path = optarg;
                        break;
                case ARG_FD:
                        fd = strtol(optarg, &end, 10);
                        if (*end || fd < 0 || fcntl((int)fd, F_GETFD) < 0) {
                                fprintf(stderr, "modem-sim: bad --fd\n");
                                return 2;
                        }
                        break;
                case ARG_LIST:
                        for (size_t i = 0; i < sim_profile_count(); i++)
                                printf("%-16s %s\n", sim_profile_get(i)->id,
                                       sim_profile_get(i)->description);
                        return EXIT_SUCCESS;
                default:
                        return 2;
                }
        }
        if (optind < argc || (!link_path && fd < 0)) {
                fprintf(stderr, "modem-sim: --link PATH (or --fd N) is required; see --help\n");
                return 2;
        }
        app.profile = sim_profile_find(profile_name);
        if (!app.profile) {
                fprintf(stderr, "modem-sim: unknown profile '%s'; see --list-profiles\n", profile_name);
                return 2;
        }

        signal(SIGPIPE, SIG_IGN);
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = sd_event_default(&app.event);
        if (r < 0) {
                fprintf(stderr, "modem-sim: event loop: %s\n", strerror(-r));
                return EXIT_FAILURE;
        }
        (void)sd_event_add_signal(app.event, NULL, SIGTERM, NULL, NULL);
        (void)sd_event_add_signal(app.event, NULL, SIGINT, NULL, NULL);

        if (log_path) {
                app.trace = fopen(log_path, "ae");
                if (!app.trace) {
                        fprintf(stderr, "modem-sim: cannot open %s: %m\n", log_path);
                        goto finish;
                }
        }
        if (script_path) {
                r = sim_script_load(script_path, &app.script);
                if (r < 0) {
                        fprintf(stderr, "modem-sim: cannot load script %s: %s\n", script_path, strerror(-r));
                        goto finish;
                }
        }

        r = sim_modem_new(app.profile, pin,
                          &(SimModemOps){.output = app_output, .arm_pending = app_arm_pending}, &app,
                          &app.modem);
        if (r < 0) {
                fprintf(stderr, "modem-sim: %s\n", r == -EINVAL ? "bad --pin (4-8 digits)" : strerror(-r));
                goto finish;
        }
        if (app.script)
                sim_modem_set_script(app.modem, app.script);

        r = sim_io_new(app.event, link_path, (int)fd, app_input, &app, &app.io);
        if (r < 0) {
                fprintf(stderr, "modem-sim: cannot create the pty/link %s: %s\n", link_path ? link_path : "",
                        strerror(-r));
                goto finish;
        }
        sim_io_set_latency(app.io, (uint64_t)latency * USEC_PER_MSEC);
        sim_io_set_trace(app.io, app.trace);

        if (control_path) {
                r = sim_control_new(&app, control_path, &app.control);
                if (r < 0) {
                        fprintf(stderr, "modem-sim: cannot listen on %s: %s\n", control_path, strerror(-r));
                        goto finish;
                }
        }
        printf("READY %s\n", sim_io_slave_path(app.io) ? sim_io_slave_path(app.io) : "fd");
        fflush(stdout);

        r = sd_event_loop(app.event);
        ret = r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

finish:
        app.control = sim_control_free(app.control);
        app.io = sim_io_free(app.io);
        app.pending_timer = sd_event_source_disable_unref(app.pending_timer);
        app.periodic_timer = sd_event_source_disable_unref(app.periodic_timer);
        app.modem = sim_modem_free(app.modem);
        app.script = sim_script_free(app.script);
        if (app.trace)
                fclose(app.trace);
        sd_event_unref(app.event);
        return ret;
}
