/* SMS-side internals shared by sim-sms.c (27.005 commands, the simulated
 * network) and sim-sms-control.c (its control commands).  Not a public API. */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "sim-modem-private.h"

#define SIM_SMSC "+15555550100"

typedef enum SimDeliverMode {
        SIM_DELIVER_CNMI, /* as +CNMI <mt> says */
        SIM_DELIVER_CMTI,
        SIM_DELIVER_CMT,
} SimDeliverMode;

void sim_sms_append(char **buf, size_t *len, const char *data, size_t n);
/* Sends a framed indication, or holds it while +CNMI <mode> is 0. */
void sim_sms_indicate(SimModem *m, const char *framed, size_t len);
void sim_sms_flush_indications(SimModem *m, char *ind, size_t len);
unsigned sim_sms_index_base(SimModem *m);
/* Delivers one SMS-DELIVER (hex with SMSC field): stored (returns 1) or
 * routed as +CMT (0); -ENOSPC when storage is full (kept by the network).
 * Indications are appended to *ind; "<mem> <index>"/"queued"/"cmt" to out. */
int sim_sms_deliver_one(SimModem *m, const char *hex, SimDeliverMode mode, SimMem mem, char **ind,
                        size_t *ind_len, FILE *out);
/* Stores what the network holds while space allows. */
void sim_sms_retry_network_queue(SimModem *m);
/* A status report for mr to recipient, routed per +CNMI <ds>; later: after
 * a short delay.  Returns 1 routed, 0 not routed (ds=0), -errno. */
int sim_sms_status_report(SimModem *m, uint8_t mr, const char *recipient, uint8_t toa, uint8_t st,
                          bool later);
