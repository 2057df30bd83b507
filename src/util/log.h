/* Logging for every callstack program: one sink (stderr or the journal),
 * one level, and the PII mask.  Personal data (numbers, texts, IMEI, PINs,
 * keys) is only ever logged through pii_*() which mask it unless the
 * operator turned on --log-pii for a debugging session. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/cleanup.h"

typedef enum LogLevel {
        LOG_LEVEL_ERR = 3,
        LOG_LEVEL_WARNING = 4,
        LOG_LEVEL_NOTICE = 5,
        LOG_LEVEL_INFO = 6,
        LOG_LEVEL_DEBUG = 7,
} LogLevel;

typedef enum LogTarget {
        LOG_TARGET_AUTO,    /* journal when JOURNAL_STREAM says stderr is the journal */
        LOG_TARGET_STDERR,
        LOG_TARGET_JOURNAL,
} LogTarget;

void log_setup(const char *ident, LogLevel level, LogTarget target);
void log_set_level(LogLevel level);
LogLevel log_get_level(void);
/* Parses "err|warning|notice|info|debug" (or 3..7). */
int log_level_from_string(const char *s, LogLevel *ret);
const char *log_level_to_string(LogLevel level);

/* When true, pii_*() return their input unchanged.  Off by default. */
void log_set_show_pii(bool show);
bool log_get_show_pii(void);

/* Returns -abs(error) so that callers can "return log_error_errno(r, ...)". */
int log_internal(LogLevel level, int error, const char *file, int line, const char *func,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define log_full_errno(level, error, ...)                                      \
        ({                                                                     \
                int _l_ = (level), _e_ = (error);                              \
                ((int)log_get_level() >= _l_)                                     \
                        ? log_internal(_l_, _e_, __FILE__, __LINE__, __func__, \
                                       __VA_ARGS__)                            \
                        : -abs(_e_);                                           \
        })
#define log_full(level, ...) (void)log_full_errno(level, 0, __VA_ARGS__)

#define log_debug(...) log_full(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_LEVEL_ERR, __VA_ARGS__)

#define log_debug_errno(e, ...) log_full_errno(LOG_LEVEL_DEBUG, e, __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_LEVEL_INFO, e, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_LEVEL_WARNING, e, __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_LEVEL_ERR, e, __VA_ARGS__)

/* PII masks.  Each writes into buf (always NUL-terminated) and returns buf.
 * PII_BUF_MAX is enough for every mask output. */
#define PII_BUF_MAX 64

/* "+15555550123" -> "+***0123"; <= 4 digits -> "***"; NULL/"" -> "unknown". */
const char *pii_number(const char *number, char *buf, size_t size);
/* Free text (SMS body, USSD text, PIN, PDU): "[redacted N bytes]". */
const char *pii_text(const char *text, char *buf, size_t size);
/* Identifiers (IMEI/IMSI/ICCID/serials): "[redacted]" or, when shown, the value. */
const char *pii_id(const char *id, char *buf, size_t size);

/* Convenience for a single argument of a log line: PII_NUMBER(n) expands to
 * a masked string living until the end of the enclosing full expression. */
#define PII_NUMBER(n) pii_number((n), (char[PII_BUF_MAX]){0}, PII_BUF_MAX)
#define PII_TEXT(t) pii_text((t), (char[PII_BUF_MAX]){0}, PII_BUF_MAX)
#define PII_ID(i) pii_id((i), (char[PII_BUF_MAX]){0}, PII_BUF_MAX)
