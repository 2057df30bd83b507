/* Safe probe state machine; see hotplug-probe.h.
 *
 * Sequence: ESC (then PROBE_ESC_QUIET_USEC of ignored input) -> AT -> ATE0 -> AT+CGMI -> AT+CGMM -> AT+CGMR [-> AT+GCAP]
 * [-> ATI when CGMI/CGMM gave nothing].  Lines are split on CR or LF;
 * echo (a line ending with the command, also behind an ESC as in field
 * case C28) is skipped; finals are OK, ERROR, +CME ERROR, +CMS ERROR,
 * COMMAND NOT SUPPORT.  Unsolicited lines arriving mid-probe (+CPIN:,
 * ^RSSI:, RDY, SMS DONE...) are never taken as identity. */
#include "hotplug/hotplug-probe.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/strutil.h"

#define PROBE_LINE_MAX 256
#define PROBE_INFO_MAX 8
#define PROBE_IDENT_MAX 127
#define PROBE_TRANSCRIPT_MAX 8

/* ESC first: a modem left at an SMS "> " prompt (a program or callstackd
 * killed mid-send) takes "AT" as message text and stays silent; ESC
 * cancels the message (27.005 3.5.1).  What it answers (OK) arrives in the
 * quiet time and is ignored, so it is never taken as the answer to AT. */
#define PROBE_ESC_QUIET_USEC (50 * 1000)

typedef enum Step {
        STEP_ESC,
        STEP_AT,
        STEP_ATE0,
        STEP_CGMI,
        STEP_CGMM,
        STEP_CGMR,
        STEP_GCAP,
        STEP_ATI,
        STEP_DONE,
} Step;

static const char *const step_cmd[] = {
        [STEP_AT] = "AT",        [STEP_ATE0] = "ATE0",    [STEP_CGMI] = "AT+CGMI", [STEP_CGMM] = "AT+CGMM",
        [STEP_CGMR] = "AT+CGMR", [STEP_GCAP] = "AT+GCAP", [STEP_ATI] = "ATI",
};

static const char *const result_table[_HOTPLUG_PROBE_RESULT_MAX] = {
        [HOTPLUG_PROBE_RUNNING] = "running", [HOTPLUG_PROBE_AT] = "at",
        [HOTPLUG_PROBE_SILENT] = "silent",   [HOTPLUG_PROBE_NOT_AT] = "not-at",
        [HOTPLUG_PROBE_GONE] = "gone",
};

struct HotplugProbe {
        uint64_t timeout_usec;
        HotplugProbeFlags flags;
        Step step;
        bool started;
        bool output_pending;
        char output[16];
        uint64_t deadline;
        HotplugProbeResult result;
        unsigned n_sent;
        unsigned n_timeouts;
        bool got_bytes;

        char line[PROBE_LINE_MAX + 1];
        size_t line_len;
        bool line_overflow;
        char *info[PROBE_INFO_MAX];
        size_t n_info;

        char *manufacturer, *model, *revision, *gcap;
        char *transcript[PROBE_TRANSCRIPT_MAX];
        size_t n_transcript;
};

const char *hotplug_probe_result_to_string(HotplugProbeResult r) {
        return (unsigned)r < _HOTPLUG_PROBE_RESULT_MAX ? result_table[r] : NULL;
}

bool hotplug_probe_command_is_safe(const char *cmd) {
        if (!cmd)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(step_cmd); i++)
                if (step_cmd[i] && strcasecmp(cmd, step_cmd[i]) == 0)
                        return true;
        return false;
}

int hotplug_probe_new(uint64_t command_timeout_usec, HotplugProbeFlags flags, HotplugProbe **ret) {
        HotplugProbe *p = calloc(1, sizeof(HotplugProbe));
        if (!p)
                return -ENOMEM;
        p->timeout_usec = command_timeout_usec > 0 ? command_timeout_usec : 400 * 1000;
        p->flags = flags;
        p->deadline = UINT64_MAX;
        *ret = p;
        return 0;
}

static void clear_info(HotplugProbe *p) {
        for (size_t i = 0; i < p->n_info; i++) {
                free(p->info[i]);
                p->info[i] = NULL;
        }
        p->n_info = 0;
}

HotplugProbe *hotplug_probe_free(HotplugProbe *p) {
        if (!p)
                return NULL;
        clear_info(p);
        free(p->manufacturer);
        free(p->model);
        free(p->revision);
        free(p->gcap);
        for (size_t i = 0; i < p->n_transcript; i++)
                free(p->transcript[i]);
        free(p);
        return NULL;
}

static bool is_label(const char *s, size_t n, const char *label) {
        size_t l = strlen(label);
        return n >= l && strncasecmp(s, label, l) == 0 && (n == l || !isalnum((unsigned char)s[l]));
}

/* A modem's answer never reaches a terminal or a log as raw bytes
 * (ESC[31m, an OSC title change, BEL): printable ASCII only, the rest
 * \\xhh (util's text_escape_append()). */
static size_t append_escaped(char *buf, size_t size, size_t o, const char *s) {
        return text_escape_append(buf, size, o, s, 0);
}

/* Length of the escape (as text_escape_append() writes it) at s, 0 if none. */
static size_t escape_len(const char *s) {
        if (s[0] != '\\')
                return 0;
        if (s[1] == '\\')
                return 2;
        if (s[1] == 'x' && isxdigit((unsigned char)s[2]) && isxdigit((unsigned char)s[3]))
                return 4;
        return 0;
}

const char *hotplug_mask_serials(const char *line, char *buf, size_t size) {
        size_t o = 0;
        const char *s = line ? line : "";

        bool after_escape = false;

        if (size == 0)
                return buf;
        while (*s && o + 1 < size) {
                /* an escape (\\x1b, \\\\) is one non-alphanumeric token: its
                 * hex digits are not part of a number, and it ends a word */
                size_t e = escape_len(s);
                if (e > 0) {
                        if (o + e >= size)
                                break;
                        memcpy(buf + o, s, e);
                        o += e;
                        s += e;
                        after_escape = true;
                        continue;
                }
                /* a label naming an identifier: mask the rest of the line */
                size_t rest = strlen(s);
                bool word_start = s == line || after_escape || !isalnum((unsigned char)s[-1]);
                after_escape = false;
                if (word_start &&
                    (is_label(s, rest, "IMEI") || is_label(s, rest, "IMSI") || is_label(s, rest, "ICCID") ||
                     is_label(s, rest, "SN") || is_label(s, rest, "S/N") || is_label(s, rest, "serial") ||
                     is_label(s, rest, "ESN") || is_label(s, rest, "MEID"))) {
                        const char *lab = s;
                        while (*s && *s != ':' && *s != '=' && *s != ' ')
                                s++;
                        size_t ll = (size_t)(s - lab);
                        if (o + ll + 1 < size) {
                                memcpy(buf + o, lab, ll);
                                o += ll;
                        }
                        int n = snprintf(buf + o, size - o, ": [masked]");
                        o = n < 0 ? o : (o + (size_t)n >= size ? size - 1 : o + (size_t)n);
                        buf[o] = '\0';
                        return buf;
                }
                if (isdigit((unsigned char)*s)) {
                        /* one run: digit groups joined by single '-' or
                         * ' ' (an IMEI written 35-123456-000001-0) */
                        size_t d = strspn(s, "0123456789"), digits = d;
                        while ((s[d] == '-' || s[d] == ' ') && isdigit((unsigned char)s[d + 1])) {
                                size_t g = strspn(s + d + 1, "0123456789");
                                d += 1 + g;
                                digits += g;
                        }
                        if (digits >= 8) {
                                int n = snprintf(buf + o, size - o, "[masked]");
                                o = n < 0 ? o : (o + (size_t)n >= size ? size - 1 : o + (size_t)n);
                        } else {
                                size_t c = d < size - 1 - o ? d : size - 1 - o;
                                memcpy(buf + o, s, c);
                                o += c;
                        }
                        s += d;
                        continue;
                }
                buf[o++] = *s++;
        }
        buf[o] = '\0';
        return buf;
}

static void transcript_add(HotplugProbe *p, const char *cmd, const char *final) {
        /* escaped, a line can grow fourfold */
        char joined[PROBE_LINE_MAX * 8] = "";
        char masked[PROBE_LINE_MAX * 8];
        char final_esc[64];
        size_t o = 0;

        if (p->n_transcript >= PROBE_TRANSCRIPT_MAX)
                return;
        for (size_t i = 0; i < p->n_info; i++) {
                if (i > 0)
                        o = append_escaped(joined, sizeof(joined), o, " / ");
                o = append_escaped(joined, sizeof(joined), o, p->info[i]);
        }
        /* escaped first, so the masking sees no raw byte and takes each
         * \\xHH as one token */
        hotplug_mask_serials(joined, masked, sizeof(masked));
        append_escaped(final_esc, sizeof(final_esc), 0, final);
        if (asprintf(&p->transcript[p->n_transcript], "%s -> %s%s%s", cmd, final_esc, *masked ? ": " : "",
                     masked) >= 0)
                p->n_transcript++;
}

/* Known unsolicited lines that can arrive during a probe. */
static bool is_noise(const char *l) {
        static const char *const words[] = {"RDY",       "RING",  "SMS DONE",   "PB DONE", "Call Ready",
                                            "SMS Ready", "START", "NO CARRIER", "^BOOT",   "+PACSP"};
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (strncasecmp(l, words[i], strlen(words[i])) == 0)
                        return true;
        return false;
}

static bool looks_like_serial(const char *l) {
        size_t digits = 0, run = 0;
        for (const char *c = l; *c; c++) {
                if (isdigit((unsigned char)*c)) {
                        run++;
                        if (run > digits)
                                digits = run;
                } else
                        run = 0;
        }
        return digits >= 14;
}

/* The identity value of one answer line: strips a "+CGMI: " style
 * prefix and "Revision:"/"Model:" labels; NULL for URCs and serials. */
static char *identity_from_line(const char *l, const char *prefix) {
        char out[PROBE_IDENT_MAX + 1];
        size_t o = 0;

        if (prefix && startswith_no_case(l, prefix)) {
                l += strlen(prefix);
                if (*l == ':')
                        l++;
        } else if (*l == '+' || *l == '^' || *l == '$' || *l == '#' || *l == '*')
                return NULL;
        while (*l == ' ' || *l == '"')
                l++;
        if (startswith_no_case(l, "Revision:"))
                l += 9;
        else if (startswith_no_case(l, "Rev:"))
                l += 4;
        else if (startswith_no_case(l, "Manufacturer:"))
                l += 13;
        else if (startswith_no_case(l, "Model:"))
                l += 6;
        while (*l == ' ')
                l++;
        if (!*l || is_noise(l) || looks_like_serial(l))
                return NULL;
        out[0] = '\0';
        for (; *l; l++) {
                char c[2] = {*l, '\0'};
                size_t k;
                if (*l == '"')
                        continue;
                k = append_escaped(out, sizeof(out), o, c);
                if (k == o)
                        break; /* full */
                o = k;
        }
        while (o > 0 && out[o - 1] == ' ')
                o--;
        out[o] = '\0';
        return o > 0 ? strdup(out) : NULL;
}

static char *identity_from_info(HotplugProbe *p, const char *prefix) {
        for (size_t i = 0; i < p->n_info; i++) {
                char *v = identity_from_line(p->info[i], prefix);
                if (v)
                        return v;
        }
        return NULL;
}

static void ati_fallback(HotplugProbe *p) {
        /* V.250 ATI is free-form; common layouts: "Manufacturer: X" /
         * "Model: Y" / "Revision: Z", or bare lines X / Y / Z. */
        size_t bare = 0;
        for (size_t i = 0; i < p->n_info; i++) {
                const char *l = p->info[i];
                char **field = NULL;
                if (startswith_no_case(l, "Manufacturer:"))
                        field = &p->manufacturer;
                else if (startswith_no_case(l, "Model:"))
                        field = &p->model;
                else if (startswith_no_case(l, "Revision:") || startswith_no_case(l, "Rev:"))
                        field = &p->revision;
                else if (*l == '+' || *l == '^' || is_noise(l) || looks_like_serial(l) ||
                         startswith_no_case(l, "IMEI"))
                        continue;
                else {
                        field = bare == 0 ? &p->manufacturer : bare == 1 ? &p->model : &p->revision;
                        bare++;
                }
                if (!*field)
                        *field = identity_from_line(l, NULL);
        }
}

static void next_step(HotplugProbe *p, uint64_t now);

static void finish(HotplugProbe *p, HotplugProbeResult r) {
        p->result = r;
        p->step = STEP_DONE;
        p->deadline = UINT64_MAX;
        p->output_pending = false;
}

static void send_esc(HotplugProbe *p, uint64_t now) {
        /* ESC CR (field case C28's wake-up): the CR ends the line so that
         * outside a prompt the ESC does not prefix the next command. */
        snprintf(p->output, sizeof(p->output), "\x1b\r");
        p->output_pending = true;
        p->deadline = now + (p->timeout_usec < PROBE_ESC_QUIET_USEC ? p->timeout_usec : PROBE_ESC_QUIET_USEC);
}

static void send_step(HotplugProbe *p, uint64_t now) {
        snprintf(p->output, sizeof(p->output), "%s\r", step_cmd[p->step]);
        p->output_pending = true;
        p->deadline = now + p->timeout_usec;
        p->n_sent++;
        clear_info(p);
}

/* A command ended (final != NULL) or timed out (final == NULL). */
static void command_done(HotplugProbe *p, const char *final, bool ok, uint64_t now) {
        Step s = p->step;

        transcript_add(p, step_cmd[s], final ? final : "timeout");
        if (!final)
                p->n_timeouts++;

        switch (s) {
        case STEP_AT:
                if (!final) {
                        finish(p, p->got_bytes ? HOTPLUG_PROBE_NOT_AT : HOTPLUG_PROBE_SILENT);
                        return;
                }
                break;
        case STEP_CGMI:
                if (ok)
                        p->manufacturer = identity_from_info(p, "+CGMI");
                break;
        case STEP_CGMM:
                if (ok)
                        p->model = identity_from_info(p, "+CGMM");
                break;
        case STEP_CGMR:
                if (ok)
                        p->revision = identity_from_info(p, "+CGMR");
                break;
        case STEP_GCAP:
                if (ok) {
                        char *g = identity_from_info(p, NULL);
                        if (!g && p->n_info > 0 && startswith_no_case(p->info[0], "+GCAP:"))
                                g = strdup_trim(p->info[0] + 6);
                        p->gcap = g;
                }
                break;
        case STEP_ATI:
                if (ok)
                        ati_fallback(p);
                break;
        default:
                break;
        }
        /* an AT port that then stops answering: stop after two timeouts */
        if (p->n_timeouts >= 2) {
                finish(p, HOTPLUG_PROBE_AT);
                return;
        }
        next_step(p, now);
}

static void next_step(HotplugProbe *p, uint64_t now) {
        Step s = p->step;

        clear_info(p);
        for (;;) {
                s++;
                if (s == STEP_GCAP && !(p->flags & HOTPLUG_PROBE_GCAP))
                        continue;
                if (s == STEP_ATI && p->manufacturer && p->model)
                        continue;
                break;
        }
        if (s >= STEP_DONE) {
                finish(p, HOTPLUG_PROBE_AT);
                return;
        }
        p->step = s;
        send_step(p, now);
}

void hotplug_probe_start(HotplugProbe *p, uint64_t now) {
        if (p->started)
                return;
        p->started = true;
        p->result = HOTPLUG_PROBE_RUNNING;
        p->step = STEP_ESC;
        send_esc(p, now);
}

const char *hotplug_probe_pending_output(const HotplugProbe *p) {
        return p->output_pending ? p->output : NULL;
}

void hotplug_probe_output_done(HotplugProbe *p) {
        p->output_pending = false;
}

/* l is trimmed of blanks.  V.250 result codes are uppercase, and so are
 * the finals of every recorded modem (as in src/at/at-result.c): matching
 * case-insensitively took noise (doctor --direct /dev/urandom) for an
 * "ok" answer to AT in 2 runs out of 5. */
static bool line_is_final(const char *l, bool *ret_ok) {
        if (streq(l, "OK")) {
                *ret_ok = true;
                return true;
        }
        *ret_ok = false;
        return streq(l, "ERROR") || startswith(l, "+CME ERROR") || startswith(l, "+CMS ERROR") ||
               startswith(l, "COMMAND NOT SUPPORT");
}

static void handle_line(HotplugProbe *p, char *l, uint64_t now) {
        bool ok;
        size_t n;

        /* trim */
        while (*l == ' ' || *l == '\t')
                l++;
        n = strlen(l);
        while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
                l[--n] = '\0';
        if (n == 0 || p->step == STEP_DONE || p->step == STEP_ESC || !p->started)
                return;

        /* echo of the command in flight, possibly behind ESC or junk */
        const char *cmd = step_cmd[p->step];
        size_t cl = strlen(cmd);
        if (n >= cl && strcasecmp(l + n - cl, cmd) == 0 &&
            (n == cl || !isalnum((unsigned char)l[n - cl - 1])))
                return;

        if (line_is_final(l, &ok)) {
                char final[32];
                snprintf(final, sizeof(final), "%s", ok ? "OK" : l);
                command_done(p, final, ok, now);
                return;
        }
        if (p->n_info < PROBE_INFO_MAX) {
                p->info[p->n_info] = strdup(l);
                if (p->info[p->n_info])
                        p->n_info++;
        }
}

void hotplug_probe_feed(HotplugProbe *p, const void *buf, size_t len, uint64_t now) {
        const char *b = buf;

        if (len > 0)
                p->got_bytes = true;
        for (size_t i = 0; i < len; i++) {
                char c = b[i];
                if (c == '\r' || c == '\n') {
                        if (p->line_len > 0) {
                                p->line[p->line_len] = '\0';
                                handle_line(p, p->line, now);
                        }
                        p->line_len = 0;
                        continue;
                }
                if (c == '\0')
                        continue;
                if (p->line_len < PROBE_LINE_MAX)
                        p->line[p->line_len++] = c;
        }
}

void hotplug_probe_hangup(HotplugProbe *p) {
        if (p->step != STEP_DONE) {
                transcript_add(p, p->started && p->step != STEP_ESC ? step_cmd[p->step] : "open", "hang-up");
                finish(p, HOTPLUG_PROBE_GONE);
        }
}

uint64_t hotplug_probe_deadline(const HotplugProbe *p) {
        return p->step == STEP_DONE || !p->started ? UINT64_MAX : p->deadline;
}

void hotplug_probe_process_timeout(HotplugProbe *p, uint64_t now) {
        if (p->step == STEP_DONE || !p->started || now < p->deadline)
                return;
        if (p->step == STEP_ESC) {
                p->step = STEP_AT;
                p->got_bytes = false;
                p->line_len = 0;
                send_step(p, now);
                return;
        }
        command_done(p, NULL, false, now);
}

HotplugProbeResult hotplug_probe_get_result(const HotplugProbe *p) {
        return p->result;
}

bool hotplug_probe_is_done(const HotplugProbe *p) {
        return p->started && p->step == STEP_DONE;
}

const char *hotplug_probe_get_manufacturer(const HotplugProbe *p) {
        return p->manufacturer;
}
const char *hotplug_probe_get_model(const HotplugProbe *p) {
        return p->model;
}
const char *hotplug_probe_get_revision(const HotplugProbe *p) {
        return p->revision;
}
const char *hotplug_probe_get_gcap(const HotplugProbe *p) {
        return p->gcap;
}
unsigned hotplug_probe_get_commands_sent(const HotplugProbe *p) {
        return p->n_sent;
}

const char *hotplug_probe_get_transcript(const HotplugProbe *p, size_t i) {
        return i < p->n_transcript ? p->transcript[i] : NULL;
}
