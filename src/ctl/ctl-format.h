/* callstackctl's output: human text and JSON for modems, identities and
 * bus signals.  Pure: values come in as json-c objects (converted from
 * D-Bus by ctl-json.c), text goes out to a FILE.  Unit-tested in
 * tests/unit/ctl/test-ctl-format.c. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The modem as JSON: {"Path": path, <D-Bus property name>: value, ...};
 * Ports become [{"device": ..., "role": ...}].  New reference. */
json_object *ctl_modem_to_json(const char *path, json_object *props);

/* One line of `list`: "PATH  MANUFACTURER MODEL  STATE  SIGNAL%  OPERATOR". */
void ctl_format_modem_line(FILE *f, const char *path, json_object *props);

/* `show`: a block of "  Name: value" lines under the path. */
void ctl_format_modem(FILE *f, const char *path, json_object *props);

/* `identity`: "KEY: value" lines, sorted by key. */
void ctl_format_identity(FILE *f, json_object *identity);

/* A value as one short human string ("text" unquoted, others as JSON);
 * returns a pointer valid until obj is freed or the next call. */
const char *ctl_value_to_human(json_object *v);

/* `monitor` lines.  time_usec is CLOCK_REALTIME µs.  args is a JSON array
 * of the signal's arguments.  Human:
 *   [12:00:01 UTC] /org/callstack/Modem/0 org.callstack.Modem SignalQuality=67
 * JSON: {"time": "2026-01-01T12:00:01.000Z", "path", "interface", "member", "args"} */
void ctl_format_signal(FILE *f, bool json, uint64_t time_usec, const char *path,
                       const char *interface, const char *member, json_object *args);

/* RFC 3339 UTC with milliseconds ("2026-01-01T12:00:01.000Z") or, when
 * !iso, "12:00:01 UTC". */
int ctl_format_time(uint64_t time_usec, bool iso, char *buf, size_t size);

/* `sms read`: "From: N" ("To: N" when direction is "outgoing"), "State: S"
 * (when state is not NULL), one "key: value" line per detail (strings
 * unquoted; "*-timestamp" µs values as RFC 3339 UTC), a blank line, the
 * text.  msg is {"number", "text", "details"} as Read() returned them. */
void ctl_format_sms_read(FILE *f, json_object *msg, const char *direction, const char *state);
