/* The AT interpreter of callstack-modem-sim: bytes from the host in,
 * echo/replies/URCs out through callbacks.  No I/O and no clock of its own,
 * so it is unit-tested byte for byte; the pty, latency and dropped replies
 * live in sim-io.c.  Follows ITU-T V.250 framing (verbose result codes,
 * <CR><LF> around every line) and 3GPP TS 27.007/27.005 command syntax. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim-profile.h"

typedef enum SimOut {
        SIM_OUT_ECHO,  /* echo of what the host typed: sent at once */
        SIM_OUT_REPLY, /* the whole answer to one command line: delayed by the latency, droppable */
        SIM_OUT_URC,   /* unsolicited: sent at once */
} SimOut;

typedef struct SimModemOps {
        void (*output)(void *userdata, SimOut kind, const char *data, size_t len);
        /* Asks the owner to call sim_modem_flush_pending() after delay_usec
         * (vendor URCs that follow a PIN entry "a moment later"). */
        void (*arm_pending)(void *userdata, uint64_t delay_usec);
        /* Wall clock in seconds since the epoch for SMS timestamps; NULL = time(). */
        int64_t (*now)(void *userdata);
} SimModemOps;

typedef struct SimModem SimModem;

int sim_modem_new(const SimProfile *profile, const char *pin, const SimModemOps *ops, void *userdata,
                  SimModem **ret);
SimModem *sim_modem_free(SimModem *m);

const SimProfile *sim_modem_get_profile(SimModem *m);

/* Bytes typed by the host. */
void sim_modem_feed(SimModem *m, const char *data, size_t len);
/* Sends the URCs queued for "a moment later" now. */
void sim_modem_flush_pending(SimModem *m);
/* The modem was unplugged and comes back: volatile settings return to
 * their power-on values (echo on, CMEE/CNMI defaults, SIM locked again when
 * a PIN is set); message storage and logs survive. */
void sim_modem_power_cycle(SimModem *m);

/* Injects an unsolicited line (CRLF framed) or raw bytes. */
void sim_modem_inject_urc(SimModem *m, const char *line);
void sim_modem_inject_raw(SimModem *m, const void *data, size_t len);
/* Puts a URC into the next reply: before it, or (inside) after its first
 * line, so it arrives in the middle of a response. */
void sim_modem_splice_urc(SimModem *m, const char *line, bool inside);

int sim_modem_set_csq(SimModem *m, int rssi, int ber);
/* stat per 27.007 +CREG (0..5, 10); lac/ci hex strings or NULL to keep;
 * act < 0 keeps.  Emits +CREG/+CGREG/+CEREG URCs for the modes enabled. */
int sim_modem_set_registration(SimModem *m, int stat, const char *lac, const char *ci, int act);
int sim_modem_set_operator(SimModem *m, const char *name);
/* Emits the profile's periodic URCs once (the owner calls it on a timer). */
void sim_modem_periodic(SimModem *m);

/* The command lines received since start or the last clear, verbatim. */
size_t sim_modem_log_count(SimModem *m);
const char *sim_modem_log_get(SimModem *m, size_t i);
void sim_modem_log_clear(SimModem *m);

/* Script replay (sim-script.c): when set, command lines are offered to
 * the script first; it answers with the recorded lines or declines. */
typedef struct SimScript SimScript;
void sim_modem_set_script(SimModem *m, SimScript *script);
