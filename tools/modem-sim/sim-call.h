/* Voice calls in the simulated modem (3GPP TS 27.007 6.3 ATD/ATA/ATH,
 * 7.18 +CLCC, 7.6 +CLIP, 6.11 +CRC, C.2.11 +VTS) with the vendor URC
 * dialects: standard (RING/+CLIP/NO CARRIER), SIMCom ("VOICE CALL: BEGIN"
 * / "VOICE CALL: END: <duration>") and Huawei (^ORIG/^CONF/^CONN/^CEND,
 * field case C24).  The far end is driven from the control socket
 * ("call ..."). */
#pragma once

#include <stddef.h>
#include <stdio.h>

typedef struct SimModem SimModem;

int sim_call_control(SimModem *m, const char *const *w, size_t n, FILE *out, const char **ret_err);
