/* The running simulator: what sim-main.c wires together and the control
 * socket acts on. */
#pragma once

#include <stdio.h>

#include <systemd/sd-event.h>

#include "sim-io.h"
#include "sim-modem.h"
#include "sim-profile.h"
#include "sim-script.h"

typedef struct SimControl SimControl;

typedef struct SimApp {
        sd_event *event;
        const SimProfile *profile;
        SimModem *modem;
        SimIo *io;
        SimControl *control;
        SimScript *script;
        sd_event_source *pending_timer;
        sd_event_source *periodic_timer;
        uint64_t periodic_usec;
        FILE *trace;
} SimApp;

/* Starts (usec > 0) or stops the profile's periodic URCs. */
int sim_app_set_periodic(SimApp *app, uint64_t usec);
