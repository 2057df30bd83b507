/* Redaction of AT traffic for the debug trace; see at-trace.h.  The rules
 * err on the side of masking: a trace is for timing and structure, not for
 * reading someone's messages. */
#include "at/at-trace.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "at/at-result.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strutil.h"

typedef struct Out {
        char *buf;
        size_t size;
        size_t len;
        bool full;
} Out;

static void out_putc(Out *o, char c) {
        if (o->full)
                return;
        if (o->len + 1 >= o->size) {
                o->full = true;
                return;
        }
        o->buf[o->len++] = c;
        o->buf[o->len] = '\0';
}

/* Appends raw bytes, escaping what is not printable ASCII. */
static void out_raw(Out *o, const char *s, size_t n) {
        for (size_t i = 0; i < n && !o->full; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 0x20 && c < 0x7f && c != '\\')
                        out_putc(o, (char)c);
                else {
                        char esc[5];
                        snprintf(esc, sizeof(esc), "\\x%02x", c);
                        for (size_t k = 0; esc[k]; k++)
                                out_putc(o, esc[k]);
                }
        }
}

static void out_str(Out *o, const char *s) {
        out_raw(o, s, strlen(s));
}

static void out_finish(Out *o) {
        if (o->full && o->size >= 4)
                memcpy(o->buf + o->size - 4, "...", 4);
}

/* Same output as pii_text() (which needs a NUL-terminated copy). */
static void out_masked_text(Out *o, const char *s, size_t n) {
        char tmp[48];
        (void)s;
        snprintf(tmp, sizeof(tmp), "[redacted %zu bytes]", n);
        out_str(o, tmp);
}

static bool is_number_like(const char *s, size_t n) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(isdigit((unsigned char)s[i]) || strchr("+*#pPwW", s[i])))
                        return false;
        return true;
}

static void out_masked_number(Out *o, const char *s, size_t n) {
        char tmp[128];
        if (n >= sizeof(tmp))
                n = sizeof(tmp) - 1;
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        out_str(o, PII_NUMBER(tmp));
}

static const char *const quote_whitelist[] = {
        /* 27.005 <stat> words and storage names carry nothing personal. */
        "REC UNREAD", "REC READ", "STO UNSENT", "STO SENT", "ALL",  "SM",   "ME",
        "MT",         "SR",       "BM",         "TA",       "SM_P", "ME_P",
};

static bool whitelisted(const char *s, size_t n) {
        for (size_t i = 0; i < ELEMENTSOF(quote_whitelist); i++)
                if (strlen(quote_whitelist[i]) == n && memcmp(quote_whitelist[i], s, n) == 0)
                        return true;
        return false;
}

static bool is_hex_blob(const char *s, size_t n) {
        if (n < 16)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isxdigit((unsigned char)s[i]))
                        return false;
        return true;
}

/* Copies text, masking runs of >= 7 digits and long hex words outside
 * quotes; with mask_quotes also every quoted string that is not a known
 * keyword. */
static void out_generic(Out *o, const char *s, bool mask_quotes) {
        size_t n = strlen(s);

        for (size_t i = 0; i < n && !o->full;) {
                if (s[i] == '"') {
                        const char *q = memchr(s + i + 1, '"', n - i - 1);
                        size_t len = q ? (size_t)(q - (s + i + 1)) : n - i - 1;
                        const char *v = s + i + 1;
                        out_putc(o, '"');
                        if (mask_quotes && len > 0 && !whitelisted(v, len)) {
                                if (is_number_like(v, len))
                                        out_masked_number(o, v, len);
                                else
                                        out_masked_text(o, v, len);
                        } else if (is_hex_blob(v, len) || (len >= 7 && is_number_like(v, len)))
                                out_masked_text(o, v, len);
                        else
                                out_raw(o, v, len);
                        if (q)
                                out_putc(o, '"');
                        i += len + 1 + (q ? 1 : 0);
                        continue;
                }
                if (isalnum((unsigned char)s[i])) {
                        size_t j = i, digits = 0;
                        while (j < n && isalnum((unsigned char)s[j])) {
                                if (isdigit((unsigned char)s[j]))
                                        digits++;
                                j++;
                        }
                        if (is_hex_blob(s + i, j - i) || (digits == j - i && digits >= 7))
                                out_str(o, "[redacted]");
                        else
                                out_raw(o, s + i, j - i);
                        i = j;
                        continue;
                }
                out_raw(o, s + i, 1);
                i++;
        }
}

static const char *const secret_commands[] = {
        "AT+CPIN=", "AT+CPIN2=", "AT^CPIN=", "AT+CLCK=", "AT+CPWD=", "AT+VTS=", "AT+QPINC=",
};

static const char *const quoted_number_commands[] = {
        "AT+CMGS=", "AT+CMGW=", "AT+CUSD=", "AT+CSCA=", "AT+CPBW=", "AT+CCFC=",
};

static void redact_command(Out *o, const char *line) {
        if (startswith_no_case(line, "ATD")) {
                const char *num = line + 3, *end = strchr(num, ';');
                size_t n = end ? (size_t)(end - num) : strlen(num);
                out_raw(o, line, 3);
                if (n > 0)
                        out_masked_number(o, num, n);
                if (end)
                        out_str(o, end);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(secret_commands); i++)
                if (startswith_no_case(line, secret_commands[i])) {
                        out_raw(o, line, strlen(secret_commands[i]));
                        out_str(o, "[redacted]");
                        return;
                }
        for (size_t i = 0; i < ELEMENTSOF(quoted_number_commands); i++)
                if (startswith_no_case(line, quoted_number_commands[i])) {
                        out_generic(o, line, true);
                        return;
                }
        out_generic(o, line, false);
}

static const char *const quoted_pii_prefixes[] = {
        "+CMT:",  "+CMGR:", "+CMGL:", "+CDS:",   "+CLIP:",  "+CLCC:",   "+COLP:", "+CCWA:", "+CNUM:",
        "+CDIP:", "+CUSD:", "+CREG:", "+CGREG:", "+CEREG:", "+C5GREG:", "+CPBR:", "+CSCA:", "^CCIN:",
};

static const char *const identity_prefixes[] = {
        "+CGSN:", "+GSN:", "+CIMI:", "+CCID:", "+ICCID:", "^ICCID:", "+QCCID:", "+CICCID:", "+MEID:",
};

AtTraceContext at_trace_context_for_command(const char *cmd) {
        static const char *const identity_cmds[] = {
                "AT+CGSN",  "AT+GSN",   "AT+CIMI",   "AT+CCID", "AT+ICCID",
                "AT^ICCID", "AT+QCCID", "AT+CICCID", "AT+CNUM", "AT+MEID",
        };
        if (!cmd)
                return AT_TRACE_CONTEXT_NONE;
        for (size_t i = 0; i < ELEMENTSOF(identity_cmds); i++)
                if (startswith_no_case(cmd, identity_cmds[i]))
                        return AT_TRACE_CONTEXT_IDENTITY;
        return AT_TRACE_CONTEXT_NONE;
}

const char *at_trace_redact(AtTraceDirection direction, const char *line, AtTraceContext context, char *buf,
                            size_t size) {
        Out o = {.buf = buf, .size = size};

        if (!buf || size == 0)
                return buf;
        buf[0] = '\0';
        if (!line)
                return buf;

        if (log_get_show_pii()) {
                out_str(&o, line);
                out_finish(&o);
                return buf;
        }

        if (context == AT_TRACE_CONTEXT_PDU) {
                out_masked_text(&o, line, strlen(line));
                out_finish(&o);
                return buf;
        }

        if (startswith_no_case(line, "AT")) {
                /* A command we send, or its echo. */
                redact_command(&o, line);
                out_finish(&o);
                return buf;
        }
        (void)direction;

        if (at_result_is_final(line)) {
                /* Kept readable, but a misbehaving modem's digits masked too
                 * ("+CME ERROR: 35123456000001"). */
                out_generic(&o, line, false);
                out_finish(&o);
                return buf;
        }

        for (size_t i = 0; i < ELEMENTSOF(identity_prefixes); i++)
                if (startswith(line, identity_prefixes[i])) {
                        out_str(&o, identity_prefixes[i]);
                        out_str(&o, " ");
                        out_str(&o, PII_ID(line));
                        out_finish(&o);
                        return buf;
                }
        if (context == AT_TRACE_CONTEXT_IDENTITY) {
                /* Bare answers to AT+CGSN/AT+CIMI/AT+CCID, any shape. */
                out_str(&o, PII_ID(line));
                out_finish(&o);
                return buf;
        }

        for (size_t i = 0; i < ELEMENTSOF(quoted_pii_prefixes); i++)
                if (startswith(line, quoted_pii_prefixes[i])) {
                        out_generic(&o, line, true);
                        out_finish(&o);
                        return buf;
                }

        out_generic(&o, line, false);
        out_finish(&o);
        return buf;
}
