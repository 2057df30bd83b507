/* libFuzzer target for the simulator's own PDU decoder
 * (tools/modem-sim/sim-pdu.c): the input is taken as the hex text the
 * host would type after the "> " prompt, decoded in both directions, with
 * and without the SMSC field; decoded GSM 7-bit/UCS2 text is re-encoded. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sim-pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char hex[512];
        SimPdu p;

        if (size >= sizeof(hex))
                return 0;
        memcpy(hex, data, size);
        hex[size] = '\0';
        for (int dir = 0; dir < 2; dir++)
                for (int smsc = 0; smsc < 2; smsc++)
                        if (sim_pdu_decode(hex, smsc, dir, &p) == 0) {
                                uint8_t buf[1024];
                                size_t n;
                                if (p.text_len >= sizeof(p.text))
                                        __builtin_trap();
                                if (p.alphabet == SIM_ALPHABET_UCS2)
                                        (void)sim_ucs2_from_utf8(p.text, p.text_len, buf, sizeof(buf), &n);
                                else if (p.alphabet == SIM_ALPHABET_GSM7)
                                        (void)sim_gsm7_from_utf8(p.text, p.text_len, buf, sizeof(buf), &n);
                        }
        return 0;
}
