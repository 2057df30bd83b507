/* libFuzzer target for the daemon's reply parsers: +CSQ, +CREG family
 * (both forms), +COPS (src/netreg/netreg-parse.c), +CPIN and identities
 * (src/sim/sim-parse.c) and the probe's identity strings
 * (src/modem/modem-identity.c), all on the same line(s). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modem/modem-identity.h"
#include "netreg/netreg-parse.h"
#include "sim/sim-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *buf, *lines[8], *save = NULL;
        size_t n = 0;

        if (size > 4096)
                return 0;
        buf = malloc(size + 1);
        if (!buf)
                return 0;
        memcpy(buf, data, size);
        buf[size] = '\0';

        {
                unsigned rssi, ber;
                NetRegFamily fam;
                int stat;
                char *name = NULL;
                SimState st;

                if (netreg_parse_csq(buf, &rssi, &ber) == 0 && (rssi > 99 || ber > 99))
                        abort();
                (void)netreg_csq_to_percent(rssi);
                if (netreg_parse_creg(buf, true, &fam, &stat) == 0 && (stat < 0 || stat > 11))
                        abort();
                if (netreg_parse_creg(buf, false, &fam, &stat) == 0 && (stat < 0 || stat > 11))
                        abort();
                if (netreg_parse_cops(buf, &name) == 0) {
                        for (const char *p = name; *p; p++)
                                if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                                        abort();
                        free(name);
                }
                (void)sim_parse_cpin(buf, &st);
        }

        for (char *l = strtok_r(buf, "\n", &save); l && n < 8; l = strtok_r(NULL, "\n", &save))
                lines[n++] = l;
        for (int k = 0; k < _SIM_IDENTITY_MAX; k++) {
                char *v = NULL;
                if (sim_parse_identity(k, (const char *const *)lines, n, &v) == 0)
                        free(v);
        }
        for (int f = 0; f < _MODEM_IDENTITY_MAX; f++) {
                char *v = NULL;
                if (modem_identity_from_lines(f, (const char *const *)lines, n, &v) == 0)
                        free(v);
                if (modem_identity_from_ati(f, (const char *const *)lines, n, &v) == 0)
                        free(v);
        }
        free(buf);
        return 0;
}
