/* USSD in the simulated modem (3GPP TS 27.007 7.15 +CUSD, strings per
 * 23.038 5 CBS/USSD data coding): requests are answered after a short
 * delay with replies queued from the control socket ("ussd ...").  Huawei
 * profiles exchange GSM 7-bit packed hex (field case C21). */
#pragma once

#include <stddef.h>
#include <stdio.h>

typedef struct SimModem SimModem;

/* Control command whose first word is "ussd". */
int sim_ussd_control(SimModem *m, const char *const *w, size_t n, FILE *out, const char **ret_err);
