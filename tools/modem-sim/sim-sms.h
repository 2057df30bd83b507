/* SMS side of the simulated modem as the control socket sees it: deliver
 * messages from the "network", inspect what the host sent, status reports.
 * The AT side (27.005 commands) is internal to sim-sms.c. */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "sim-modem.h"

/* Runs a control command whose first word is "sms" or "net" (words w[0..n)).
 * Data lines go to out.  Returns 0, or -errno with *ret_err set. */
int sim_sms_control(SimModem *m, const char *line, const char *const *w, size_t n, FILE *out,
                    const char **ret_err);
