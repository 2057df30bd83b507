/* The safe probe of one serial port: is there an AT interpreter, and who
 * made it?  I/O-free state machine (bytes in, command lines out, time
 * from the caller) so the daemon drives it from its event loop and
 * `callstackctl doctor --direct` from a poll() loop.  No GLib.
 *
 * Only these commands are ever sent: AT, ATE0, AT+CGMI, AT+CGMM, AT+CGMR,
 * AT+GCAP, ATI (V.250 6.1.3, 3GPP TS 27.007 5.1-5.3): none changes the
 * modem's state beyond echo.  Each gets ONE attempt with a short timeout;
 * a port silent to "AT" is given up at once (field case C33: a silent
 * port retried with long timeouts cost 24 s of start-up). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct HotplugProbe HotplugProbe;

typedef enum HotplugProbeFlags {
        HOTPLUG_PROBE_DEFAULT = 0,
        HOTPLUG_PROBE_GCAP = 1 << 0, /* also ask AT+GCAP (doctor) */
} HotplugProbeFlags;

typedef enum HotplugProbeResult {
        HOTPLUG_PROBE_RUNNING,
        HOTPLUG_PROBE_AT,     /* answered AT with OK */
        HOTPLUG_PROBE_SILENT, /* no answer to AT within the timeout */
        HOTPLUG_PROBE_NOT_AT, /* bytes came back but no OK to AT */
        HOTPLUG_PROBE_GONE,   /* hang-up / EIO while probing */
        _HOTPLUG_PROBE_RESULT_MAX,
} HotplugProbeResult;

const char *hotplug_probe_result_to_string(HotplugProbeResult r);

/* True for the commands the probe may send (exact, case-insensitive). */
bool hotplug_probe_command_is_safe(const char *cmd);

int hotplug_probe_new(uint64_t command_timeout_usec, HotplugProbeFlags flags, HotplugProbe **ret);
HotplugProbe *hotplug_probe_free(HotplugProbe *p);

/* Starts: the first command becomes pending output. */
void hotplug_probe_start(HotplugProbe *p, uint64_t now);
/* The command line to write now ("AT+CGMI\r"), or NULL.  After writing
 * it, call hotplug_probe_output_done(). */
const char *hotplug_probe_pending_output(const HotplugProbe *p);
void hotplug_probe_output_done(HotplugProbe *p);

void hotplug_probe_feed(HotplugProbe *p, const void *buf, size_t len, uint64_t now);
void hotplug_probe_hangup(HotplugProbe *p);
/* Monotonic deadline of the command in flight, UINT64_MAX if none. */
uint64_t hotplug_probe_deadline(const HotplugProbe *p);
void hotplug_probe_process_timeout(HotplugProbe *p, uint64_t now);

HotplugProbeResult hotplug_probe_get_result(const HotplugProbe *p);
bool hotplug_probe_is_done(const HotplugProbe *p);
/* Identity answers, NULL when not known.  Serial-number-like values
 * (14+ digits) are never stored.  Bytes outside printable ASCII are
 * stored escaped as \xHH, a backslash as \\ (never raw to a terminal
 * or a log). */
const char *hotplug_probe_get_manufacturer(const HotplugProbe *p);
const char *hotplug_probe_get_model(const HotplugProbe *p);
const char *hotplug_probe_get_revision(const HotplugProbe *p);
const char *hotplug_probe_get_gcap(const HotplugProbe *p);
unsigned hotplug_probe_get_commands_sent(const HotplugProbe *p);

/* Transcript for `doctor`: entry i is "AT+CGMI -> OK: Quectel" etc., with
 * serial-number-like values masked and the modem's bytes escaped as the
 * identity answers are.  NULL past the end. */
const char *hotplug_probe_get_transcript(const HotplugProbe *p, size_t i);

/* Replaces runs of 8+ digits (IMEI, serials; digit groups joined by a
 * single '-' or ' ' count as one run: "35-123456-000001-0") and values
 * after "IMEI", "SN", "serial" labels with "[masked]".  Writes into buf (NUL-terminated).
 * Takes escaped text (identity answers): an escape such as \x1b is one
 * token, copied as it is, its hex digits never counted as digits. */
const char *hotplug_mask_serials(const char *line, char *buf, size_t size);

static inline void hotplug_probe_freep(HotplugProbe **p) {
        if (*p)
                hotplug_probe_free(*p);
}
