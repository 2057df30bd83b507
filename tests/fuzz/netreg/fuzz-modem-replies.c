/* libFuzzer target for the daemon's reply parsers as netreg uses them:
 * +CSQ, +CREG family (both forms), +COPS (src/at/at-result.c, with the
 * properties netreg relies on), +CPIN and identities
 * (src/sim/sim-parse.c) and the probe's identity strings
 * (src/modem/modem-identity.c), all on the same line(s). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modem/modem-identity.h"
#include "at/at-result.h"
#include "util/strutil.h"
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
                AtCsq q;
                AtRegistration reg;
                AtCops cops;
                SimState st;

                if (at_parse_csq(buf, &q) == 0 && (q.rssi > 99 || q.ber > 99 || q.percent > 100))
                        abort();
                if (at_parse_creg(buf, AT_REG_FORM_QUERY, &reg) == 0 && (reg.stat < 0 || reg.stat > 11))
                        abort();
                if (at_parse_creg(buf, AT_REG_FORM_URC, &reg) == 0 && (reg.stat < 0 || reg.stat > 11))
                        abort();
                /* the operator name becomes a D-Bus string: valid UTF-8
                 * (no noncharacters), no control characters */
                if (at_parse_cops(buf, &cops) == 0) {
                        if (!utf8_is_valid(cops.oper, strlen(cops.oper)))
                                abort();
                        for (const char *p = cops.oper; *p; p++)
                                if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
                                        abort();
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
