/* Redacting trace of AT traffic.  Every line the chat writes or reads is
 * logged at debug level through at_trace_redact(), which masks personal
 * data with the util/log.h masks unless log_get_show_pii() is on:
 *  - TX: ATD numbers, AT+CMGS="number"/AT+CMGW, AT+CUSD=1,"code",
 *    AT+CPIN=/AT+CPIN2=/AT+CLCK=/AT+CPWD= secrets (PIN and PUK), AT+VTS
 *    digits, SMS payloads (PDU hex after the "> " prompt).
 *  - RX: PDU lines, +CMT/+CMGR/+CMGL/+CDS headers, +CLIP/+CLCC/+COLP/
 *    +CCWA/+CNUM numbers, +CUSD text, +CREG family LAC/CI, identity answers
 *    (+CGSN/+CIMI/+CCID and bare IMEI/IMSI/ICCID lines), echoed commands
 *    (same rules as TX).
 *  - Everywhere: runs of 7 or more digits and long hex blobs.
 * Non-printable bytes are shown as \xNN.  Pure: no I/O. */
#pragma once

#include <stddef.h>

typedef enum AtTraceDirection {
        AT_TRACE_TX,
        AT_TRACE_RX,
} AtTraceDirection;

typedef enum AtTraceContext {
        AT_TRACE_CONTEXT_NONE,
        AT_TRACE_CONTEXT_PDU,      /* the line is a PDU or an SMS payload */
        AT_TRACE_CONTEXT_IDENTITY, /* an answer to AT+CGSN/+CIMI/+CCID/+CNUM... */
} AtTraceContext;

/* The context RX lines have while cmd is in flight (IDENTITY for the
 * identity commands, else NONE). */
AtTraceContext at_trace_context_for_command(const char *cmd);

/* Writes the redacted line into buf (always NUL-terminated, cut with "..."
 * when too small) and returns buf. */
const char *at_trace_redact(AtTraceDirection direction, const char *line, AtTraceContext context, char *buf,
                            size_t size);
