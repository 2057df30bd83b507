/* Logging sink and PII masks.  See log.h.  Messages go to stderr with a
 * level prefix, or to the journal with PRIORITY= and CODE_* fields. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <systemd/sd-journal.h>

static LogLevel log_level = LOG_LEVEL_INFO;
static LogTarget log_target = LOG_TARGET_STDERR;
static const char *log_ident = "callstack";
static bool log_show_pii = false;

static const char *const level_names[] = {
        [LOG_LEVEL_ERR] = "err",
        [LOG_LEVEL_WARNING] = "warning",
        [LOG_LEVEL_NOTICE] = "notice",
        [LOG_LEVEL_INFO] = "info",
        [LOG_LEVEL_DEBUG] = "debug",
};

const char *log_level_to_string(LogLevel level) {
        if (level < LOG_LEVEL_ERR || level > LOG_LEVEL_DEBUG)
                return NULL;
        return level_names[level];
}

int log_level_from_string(const char *s, LogLevel *ret) {
        if (!s)
                return -EINVAL;
        for (int l = LOG_LEVEL_ERR; l <= LOG_LEVEL_DEBUG; l++)
                if (strcasecmp(s, level_names[l]) == 0) {
                        *ret = (LogLevel)l;
                        return 0;
                }
        if (strcasecmp(s, "error") == 0) {
                *ret = LOG_LEVEL_ERR;
                return 0;
        }
        if (strcasecmp(s, "warn") == 0) {
                *ret = LOG_LEVEL_WARNING;
                return 0;
        }
        if (s[0] >= '3' && s[0] <= '7' && s[1] == '\0') {
                *ret = (LogLevel)(s[0] - '0');
                return 0;
        }
        return -EINVAL;
}

void log_setup(const char *ident, LogLevel level, LogTarget target) {
        if (ident)
                log_ident = ident;
        log_level = level;
        if (target == LOG_TARGET_AUTO)
                target = getenv("JOURNAL_STREAM") ? LOG_TARGET_JOURNAL : LOG_TARGET_STDERR;
        log_target = target;
}

void log_set_level(LogLevel level) {
        log_level = level;
}

LogLevel log_get_level(void) {
        return log_level;
}

void log_set_show_pii(bool show) {
        log_show_pii = show;
}

bool log_get_show_pii(void) {
        return log_show_pii;
}

int log_internal(LogLevel level, int error, const char *file, int line, const char *func,
                 const char *fmt, ...) {
        char msg[2048];
        va_list ap;
        int saved_errno = errno;

        if (error != 0)
                errno = abs(error); /* lets callers use %m for the error */
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);

        if (log_target == LOG_TARGET_JOURNAL) {
                sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", (int)level, "CODE_FILE=%s", file,
                                "CODE_LINE=%d", line, "CODE_FUNC=%s", func, "SYSLOG_IDENTIFIER=%s",
                                log_ident, NULL);
        } else {
                /* "callstackd 2026-12-03T20:01:34.123Z info: ..." (UTC): a readable
                 * time, and no "ident[N]" that would read as a pid */
                struct timespec ts;
                struct tm tm;
                char when[32] = "-";

                clock_gettime(CLOCK_REALTIME, &ts);
                if (gmtime_r(&ts.tv_sec, &tm))
                        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
                fprintf(stderr, "%s %s.%03ldZ %s: %s\n", log_ident, when, (long)(ts.tv_nsec / 1000000),
                        level_names[level], msg);
        }
        errno = saved_errno;
        return -abs(error);
}

const char *pii_number(const char *number, char *buf, size_t size) {
        size_t digits = 0, len;
        const char *last4;

        if (!number || !*number) {
                snprintf(buf, size, "unknown");
                return buf;
        }
        if (log_show_pii)
                return number;

        for (const char *p = number; *p; p++)
                if (*p >= '0' && *p <= '9')
                        digits++;
        if (digits == 0) {
                /* Alphanumeric sender ("MyBank"): not a phone number, but
                 * still could identify a person; show only its length. */
                snprintf(buf, size, "[alnum %zu]", strlen(number));
                return buf;
        }
        if (digits <= 4) {
                snprintf(buf, size, "%s***", number[0] == '+' ? "+" : "");
                return buf;
        }
        /* Keep the last four digits only. */
        len = strlen(number);
        last4 = number + len;
        for (size_t seen = 0; last4 > number && seen < 4;) {
                last4--;
                if (*last4 >= '0' && *last4 <= '9')
                        seen++;
        }
        {
                char tail[5];
                size_t n = 0;
                for (const char *p = last4; *p && n < 4; p++)
                        if (*p >= '0' && *p <= '9')
                                tail[n++] = *p;
                tail[n] = '\0';
                snprintf(buf, size, "%s***%s", number[0] == '+' ? "+" : "", tail);
        }
        return buf;
}

const char *pii_text(const char *text, char *buf, size_t size) {
        if (!text) {
                snprintf(buf, size, "(null)");
                return buf;
        }
        if (log_show_pii)
                return text;
        snprintf(buf, size, "[redacted %zu bytes]", strlen(text));
        return buf;
}

const char *pii_id(const char *id, char *buf, size_t size) {
        if (!id || !*id) {
                snprintf(buf, size, "unknown");
                return buf;
        }
        if (log_show_pii)
                return id;
        snprintf(buf, size, "[redacted]");
        return buf;
}
