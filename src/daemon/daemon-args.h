/* callstackd's command line.  Parsing is pure (no side effects beyond
 * the struct) so it can be unit-tested; errors name the option. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util/log.h"

#define DAEMON_SIGNAL_INTERVAL_DEFAULT 30
#define DAEMON_SIGNAL_INTERVAL_MAX 86400

typedef enum DaemonAction {
        DAEMON_ACTION_RUN,
        DAEMON_ACTION_HELP,
        DAEMON_ACTION_VERSION,
} DaemonAction;

typedef struct DaemonArgs {
        DaemonAction action;
        char **ports; /* NULL-terminated, may be empty */
        char *state_dir;
        char *bus_address; /* NULL: system bus */
        LogLevel log_level;
        bool log_pii;
        uint32_t signal_interval; /* seconds; 0 disables the poll */
        bool no_hotplug;          /* --no-hotplug: only the --port modems */
        uint32_t settle_ms;       /* 0 = hotplug default */
        uint32_t probe_timeout_ms; /* 0 = hotplug default */
        char *profiles_dir;       /* --profiles-dir: looked up before /etc and /usr/share */
        uint32_t sms_group_max_age; /* seconds; 0 = default (24 h) */
} DaemonArgs;

/* Fills *ret (freed with daemon_args_done).  On a usage error returns
 * -EINVAL with a one-line message in err (naming the option). */
int daemon_args_parse(int argc, char **argv, DaemonArgs *ret, char *err, size_t err_size);
void daemon_args_done(DaemonArgs *a);
void daemon_args_help(const char *program);
