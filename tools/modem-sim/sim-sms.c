/* SMS commands of the simulated modem (3GPP TS 27.005).  First version:
 * none yet. */
#include <errno.h>
#include <stdlib.h>

#include "sim-modem-private.h"
#include "sim-sms.h"

void sim_sms_init(SimModem *m) {
}

void sim_sms_done(SimModem *m) {
}

void sim_sms_power_cycle(SimModem *m) {
}

int sim_sms_command(SimModem *m, const char *name, char form, const char *args, SimResult *ret) {
        return -ENOENT;
}

void sim_sms_prompt_done(SimModem *m, const char *data, size_t len) {
        m->prompt = SIM_PROMPT_NONE;
        sim_reply_final(m, SIM_RES_ERROR);
        sim_reply_flush(m);
}

int sim_sms_control(SimModem *m, const char *line, const char *const *w, size_t n, FILE *out,
                    const char **ret_err) {
        *ret_err = "not implemented yet";
        return -EOPNOTSUPP;
}
