/* Argument validators, see bus-validate.h.  Command() is the sharpest
 * method we have: one string goes to the modem verbatim, so anything that
 * could end the command line early (CR), start a second one, answer an
 * SMS prompt (Ctrl-Z, ESC) or confuse the tokenizer (NUL) is refused. */
#include "bus/bus-validate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"

int bus_validate_at_command(const char *cmd) {
        size_t len;

        if (!cmd)
                return -EINVAL;
        len = strlen(cmd);
        if (len < 2 || len > BUS_COMMAND_MAX)
                return -EINVAL;
        if (!((cmd[0] == 'A' || cmd[0] == 'a') && (cmd[1] == 'T' || cmd[1] == 't')))
                return -EINVAL;
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)cmd[i] < 0x20 || (unsigned char)cmd[i] > 0x7e)
                        return -EINVAL;
        return 0;
}

int bus_validate_command_timeout(uint32_t timeout_ms, uint64_t *ret_usec) {
        if (timeout_ms == 0)
                timeout_ms = BUS_COMMAND_TIMEOUT_DEFAULT_MS;
        if (timeout_ms > BUS_COMMAND_TIMEOUT_MAX_MS)
                return -EINVAL;
        *ret_usec = (uint64_t)timeout_ms * USEC_PER_MSEC;
        return 0;
}

int bus_modem_path_parse(const char *path, uint32_t *ret_id) {
        const char *p;
        uint64_t v = 0;

        if (!path || strncmp(path, BUS_MODEM_PATH_PREFIX "/", strlen(BUS_MODEM_PATH_PREFIX) + 1) != 0)
                return -EINVAL;
        p = path + strlen(BUS_MODEM_PATH_PREFIX) + 1;
        if (*p == '\0' || (p[0] == '0' && p[1] != '\0') || strlen(p) > 10)
                return -EINVAL;
        for (; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                v = v * 10 + (uint64_t)(*p - '0');
        }
        if (v > UINT32_MAX)
                return -EINVAL;
        *ret_id = (uint32_t)v;
        return 0;
}

const char *bus_modem_path(uint32_t id, char *buf) {
        snprintf(buf, BUS_MODEM_PATH_MAX, BUS_MODEM_PATH_PREFIX "/%" PRIu32, id);
        return buf;
}
