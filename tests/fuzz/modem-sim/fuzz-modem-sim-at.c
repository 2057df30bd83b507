/* libFuzzer target for the simulator's AT interpreter
 * (tools/modem-sim/sim-modem.c and sim-sms.c): arbitrary host bytes,
 * including SMS prompts and PDUs, against a profile chosen by the first
 * byte.  Output is discarded; ASan/UBSan find the faults. */
#include <stddef.h>
#include <stdint.h>

#include "sim-modem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void out(void *u, SimOut kind, const char *d, size_t n) {
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        SimModem *m = NULL;
        const SimProfile *p;

        if (size < 1)
                return 0;
        p = sim_profile_get(data[0] % sim_profile_count());
        if (sim_modem_new(p, (data[0] & 0x80) ? "1234" : NULL, &(SimModemOps){.output = out}, NULL, &m) < 0)
                return 0;
        sim_modem_feed(m, (const char *)data + 1, size - 1);
        sim_modem_flush_pending(m);
        sim_modem_set_registration(m, 5, "2AF5", NULL, 7);
        sim_modem_power_cycle(m);
        sim_modem_feed(m, (const char *)data + 1, size - 1);
        sim_modem_free(m);
        return 0;
}
