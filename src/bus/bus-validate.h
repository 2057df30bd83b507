/* Validation of untrusted method arguments, done before polkit and before
 * any modem I/O.  Pure. */
#pragma once

#include <stdint.h>

#define BUS_COMMAND_MAX 512
#define BUS_COMMAND_TIMEOUT_DEFAULT_MS 5000u
#define BUS_COMMAND_TIMEOUT_MAX_MS 300000u

/* Raw AT command for Modem.Command(): starts with "AT" (any case), 2 to
 * BUS_COMMAND_MAX bytes of printable ASCII (so no CR, LF, NUL, Ctrl-Z or
 * ESC that could smuggle a second command or leave the modem in a
 * prompt).  -EINVAL otherwise. */
int bus_validate_at_command(const char *cmd);

/* timeout_ms of Command(): 0 -> default, 1..BUS_COMMAND_TIMEOUT_MAX_MS. */
int bus_validate_command_timeout(uint32_t timeout_ms, uint64_t *ret_usec);

/* "/org/callstack/Modem/N" -> N (decimal, no sign, no leading zero). */
int bus_modem_path_parse(const char *path, uint32_t *ret_id);
/* Writes "/org/callstack/Modem/N" into buf (BUS_MODEM_PATH_MAX). */
#define BUS_MODEM_PATH_PREFIX "/org/callstack/Modem"
#define BUS_MODEM_PATH_MAX 40
const char *bus_modem_path(uint32_t id, char *buf);
