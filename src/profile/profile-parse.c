/* Profile file parser.  The format is a small, strict subset of the
 * freedesktop keyfile: "[section]" headers, "key = value" lines, "#" or
 * ";" comments on their own line, blank lines.  Strict on purpose: a typo
 * in a key would otherwise silently leave a capability "unknown".
 *
 * Sections and keys (README "Capability profiles"):
 *   [profile]      id (required), name, evidence (required)
 *   [match]        usb = vvvv:pppp[, vvvv:*...], manufacturer, model (pattern lists)
 *   [capabilities] sms-pdu, sms-text, delivery-reports, ussd, voice, dtmf,
 *                  pcm-audio, gnss = supported | unsupported | unknown
 *   [sms]          modes = pdu[,text], cnmi, delivery-report = cds|cdsi|none|unknown,
 *                  storages
 *   [ussd]         quirks = none | packed-hex-request, ucs2-hex-reply
 *   [voice]        urc-dialect = standard|simcom|huawei, dtmf-command
 *   [audio]        pcm-start, pcm-stop, port-role
 *   [gnss]         start, stop
 *   [init]         commands = AT... | AT... (separated by "|")
 *   [ports]        at, audio, gnss, diag, ppp = interface numbers (list)
 *
 * Every AT command value must start with "AT" and hold printable ASCII
 * only, so a profile cannot smuggle a CR into the command stream. */
#include "profile/profile-parse.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile/profile-internal.h"
#include "util/cleanup.h"
#include "util/strutil.h"

#define PROFILE_FILE_MAX (64 * 1024)
#define PROFILE_LINE_MAX 1024
#define PROFILE_COMMAND_MAX 200

typedef struct ParseState {
        const char *name;
        unsigned line;
        char *error;
} ParseState;

_printf_(2, 3) static int fail(ParseState *st, const char *fmt, ...) {
        char msg[256];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        free(st->error);
        if (asprintf(&st->error, "%s:%u: %s", st->name, st->line, msg) < 0)
                st->error = NULL;
        return -EINVAL;
}

static int set_string(ParseState *st, char **field, const char *value) {
        char *c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*field);
        *field = c;
        return 0;
}

static bool is_command(const char *v) {
        size_t n = strlen(v);
        if (n < 2 || n > PROFILE_COMMAND_MAX || strncasecmp(v, "AT", 2) != 0)
                return false;
        for (const char *c = v; *c; c++)
                if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
                        return false;
        return true;
}

static int set_command(ParseState *st, char **field, const char *value) {
        if (!is_command(value))
                return fail(st, "not an AT command (must start with AT, printable ASCII, at most %d chars)",
                            PROFILE_COMMAND_MAX);
        return set_string(st, field, value);
}

/* Splits value on sep into trimmed, non-empty items; calls fn for each. */
typedef int (*ItemFunc)(ParseState *st, Profile *p, const char *item, void *userdata);
static int for_each_item(ParseState *st, Profile *p, const char *value, char sep, ItemFunc fn,
                         void *userdata) {
        _cleanup_free_ char *copy = strdup(value);
        if (!copy)
                return -ENOMEM;
        char *s = copy;
        for (;;) {
                char *end = strchr(s, sep);
                if (end)
                        *end = '\0';
                _cleanup_free_ char *item = strdup_trim(s);
                if (!item)
                        return -ENOMEM;
                if (!*item)
                        return fail(st, "empty item in list");
                int r = fn(st, p, item, userdata);
                if (r < 0)
                        return r;
                if (!end)
                        return 0;
                s = end + 1;
        }
}

static int parse_hex16(const char *s, uint16_t *ret) {
        if (strlen(s) != 4)
                return -EINVAL;
        uint8_t b[2];
        if (hex_decode(s, 4, b, 2) != 2)
                return -EINVAL;
        *ret = (uint16_t)(b[0] << 8 | b[1]);
        return 0;
}

static int item_usb(ParseState *st, Profile *p, const char *item, void *userdata) {
        const char *colon = strchr(item, ':');
        char vid[5];
        ProfileUsbId id = {0};

        if (!colon || colon - item != 4)
                return fail(st, "bad USB id '%.20s' (want vvvv:pppp or vvvv:*)", item);
        memcpy(vid, item, 4);
        vid[4] = '\0';
        if (parse_hex16(vid, &id.vid) < 0 || id.vid == 0)
                return fail(st, "bad USB vendor id '%.20s'", item);
        if (streq(colon + 1, "*"))
                id.any_pid = true;
        else if (parse_hex16(colon + 1, &id.pid) < 0)
                return fail(st, "bad USB product id '%.20s'", item);
        if (p->n_usb >= PROFILE_MAX_USB_IDS)
                return fail(st, "more than %d USB ids", PROFILE_MAX_USB_IDS);
        p->usb[p->n_usb++] = id;
        return 0;
}

static int item_pattern(ParseState *st, Profile *p, const char *item, void *userdata) {
        if (strlen(item) > 64)
                return fail(st, "pattern longer than 64 characters");
        return 0;
}

static int item_sms_mode(ParseState *st, Profile *p, const char *item, void *userdata) {
        if (streq(item, "pdu"))
                p->sms_modes |= PROFILE_SMS_PDU;
        else if (streq(item, "text"))
                p->sms_modes |= PROFILE_SMS_TEXT;
        else
                return fail(st, "unknown SMS mode '%.20s' (pdu, text)", item);
        return 0;
}

static int item_storage(ParseState *st, Profile *p, const char *item, void *userdata) {
        static const char *const known[] = {"SM", "ME", "MT", "BM", "SR", "TA", "MB"};
        for (size_t i = 0; i < ELEMENTSOF(known); i++)
                if (streq(item, known[i]))
                        return 0;
        return fail(st, "unknown message storage '%.20s' (27.005 3.2.2: SM, ME, MT, BM, SR, TA)", item);
}

static int item_ussd_quirk(ParseState *st, Profile *p, const char *item, void *userdata) {
        if (streq(item, "none"))
                return 0;
        if (streq(item, "packed-hex-request"))
                p->ussd_quirks |= PROFILE_USSD_PACKED_HEX_REQUEST;
        else if (streq(item, "ucs2-hex-reply"))
                p->ussd_quirks |= PROFILE_USSD_UCS2_HEX_REPLY;
        else
                return fail(st, "unknown USSD quirk '%.30s'", item);
        return 0;
}

static int item_init(ParseState *st, Profile *p, const char *item, void *userdata) {
        if (!is_command(item))
                return fail(st, "init command is not an AT command");
        if (p->n_init >= PROFILE_MAX_INIT)
                return fail(st, "more than %d init commands", PROFILE_MAX_INIT);
        p->init[p->n_init] = strdup(item);
        if (!p->init[p->n_init])
                return -ENOMEM;
        p->n_init++;
        return 0;
}

static int item_ifnum(ParseState *st, Profile *p, const char *item, void *userdata) {
        ProfilePortRole role = *(ProfilePortRole *)userdata;
        long n;
        if (safe_atoi_range(item, 0, PROFILE_MAX_IFNUM - 1, &n) < 0)
                return fail(st, "bad interface number '%.20s' (0..%d)", item, PROFILE_MAX_IFNUM - 1);
        if (p->ports[n] != PROFILE_PORT_UNKNOWN && p->ports[n] != role)
                return fail(st, "interface %ld given two roles", n);
        p->ports[n] = role;
        return 0;
}

typedef enum Section {
        SECTION_NONE,
        SECTION_PROFILE,
        SECTION_MATCH,
        SECTION_CAPABILITIES,
        SECTION_SMS,
        SECTION_USSD,
        SECTION_VOICE,
        SECTION_AUDIO,
        SECTION_GNSS,
        SECTION_INIT,
        SECTION_PORTS,
        _SECTION_MAX,
} Section;

static const char *const section_names[_SECTION_MAX] = {
        [SECTION_PROFILE] = "profile", [SECTION_MATCH] = "match", [SECTION_CAPABILITIES] = "capabilities",
        [SECTION_SMS] = "sms",         [SECTION_USSD] = "ussd",   [SECTION_VOICE] = "voice",
        [SECTION_AUDIO] = "audio",     [SECTION_GNSS] = "gnss",   [SECTION_INIT] = "init",
        [SECTION_PORTS] = "ports",
};

static int handle_key(ParseState *st, Profile *p, Section sec, const char *key, const char *value) {
        switch (sec) {
        case SECTION_PROFILE:
                if (streq(key, "id")) {
                        if (!*value || strlen(value) > 64)
                                return fail(st, "id must be 1..64 characters");
                        for (const char *c = value; *c; c++)
                                if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
                                        return fail(st, "id may hold only letters, digits, '-', '_', '.'");
                        return set_string(st, &p->id, value);
                }
                if (streq(key, "name"))
                        return set_string(st, &p->name, value);
                if (streq(key, "evidence"))
                        return set_string(st, &p->evidence, value);
                break;
        case SECTION_MATCH:
                if (streq(key, "usb"))
                        return for_each_item(st, p, value, ',', item_usb, NULL);
                if (streq(key, "manufacturer") || streq(key, "model")) {
                        int r = for_each_item(st, p, value, ',', item_pattern, NULL);
                        if (r < 0)
                                return r;
                        return set_string(st, streq(key, "model") ? &p->match_model : &p->match_manufacturer,
                                          value);
                }
                break;
        case SECTION_CAPABILITIES: {
                ProfileCap c;
                ProfileCapValue v;
                if (profile_cap_from_string(key, &c) < 0)
                        break;
                if (profile_cap_value_from_string(value, &v) < 0)
                        return fail(st, "capability value must be supported, unsupported or unknown");
                p->caps[c] = v;
                return 0;
        }
        case SECTION_SMS:
                if (streq(key, "modes"))
                        return for_each_item(st, p, value, ',', item_sms_mode, NULL);
                if (streq(key, "cnmi")) {
                        /* 27.005 3.4.1: <mode>,<mt>,<bm>,<ds>,<bfr>, digits and commas */
                        if (!*value || strlen(value) > 20 || strspn(value, "0123456789,") != strlen(value))
                                return fail(st, "cnmi must be the +CNMI parameters, e.g. 2,1,0,2,0");
                        return set_string(st, &p->cnmi, value);
                }
                if (streq(key, "delivery-report")) {
                        if (profile_delivery_report_from_string(value, &p->delivery_report) < 0)
                                return fail(st, "delivery-report must be cds, cdsi, none or unknown");
                        return 0;
                }
                if (streq(key, "storages")) {
                        int r = for_each_item(st, p, value, ',', item_storage, NULL);
                        if (r < 0)
                                return r;
                        return set_string(st, &p->storages, value);
                }
                break;
        case SECTION_USSD:
                if (streq(key, "quirks"))
                        return for_each_item(st, p, value, ',', item_ussd_quirk, NULL);
                break;
        case SECTION_VOICE:
                if (streq(key, "urc-dialect")) {
                        if (profile_voice_dialect_from_string(value, &p->voice_dialect) < 0)
                                return fail(st, "urc-dialect must be standard, simcom or huawei");
                        return 0;
                }
                if (streq(key, "dtmf-command")) {
                        if (!strstr(value, "{digits}"))
                                return fail(st, "dtmf-command must contain {digits}");
                        return set_command(st, &p->dtmf_command, value);
                }
                break;
        case SECTION_AUDIO:
                if (streq(key, "pcm-start"))
                        return set_command(st, &p->pcm_start, value);
                if (streq(key, "pcm-stop"))
                        return set_command(st, &p->pcm_stop, value);
                if (streq(key, "port-role")) {
                        if (profile_port_role_from_string(value, &p->pcm_port_role) < 0)
                                return fail(st, "port-role must be a port role (audio, at, ...)");
                        return 0;
                }
                break;
        case SECTION_GNSS:
                if (streq(key, "start"))
                        return set_command(st, &p->gnss_start, value);
                if (streq(key, "stop"))
                        return set_command(st, &p->gnss_stop, value);
                break;
        case SECTION_INIT:
                if (streq(key, "commands"))
                        return for_each_item(st, p, value, '|', item_init, NULL);
                break;
        case SECTION_PORTS: {
                ProfilePortRole role;
                if (profile_port_role_from_string(key, &role) < 0 || role == PROFILE_PORT_UNKNOWN)
                        break;
                return for_each_item(st, p, value, ',', item_ifnum, &role);
        }
        default:
                break;
        }
        return fail(st, "unknown key '%.40s' in [%s]", key, section_names[sec]);
}

/* Keys seen per section, to refuse duplicates. */
typedef struct Seen {
        char keys[32][32];
        size_t n;
} Seen;

static int parse(ParseState *st, const char *buf, size_t len, Profile *p) {
        bool section_seen[_SECTION_MAX] = {false};
        Section sec = SECTION_NONE;
        Seen seen = {0};

        if (len > PROFILE_FILE_MAX)
                return fail(st, "file larger than %d bytes", PROFILE_FILE_MAX);
        if (memchr(buf, '\0', len))
                return fail(st, "file contains a NUL byte");

        const char *pos = buf, *end = buf + len;
        /* UTF-8 byte-order mark */
        if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
                pos += 3;

        while (pos < end) {
                const char *nl = memchr(pos, '\n', (size_t)(end - pos));
                size_t n = nl ? (size_t)(nl - pos) : (size_t)(end - pos);
                char line[PROFILE_LINE_MAX + 1];

                st->line++;
                if (n > PROFILE_LINE_MAX)
                        return fail(st, "line longer than %d bytes", PROFILE_LINE_MAX);
                memcpy(line, pos, n);
                line[n] = '\0';
                pos = nl ? nl + 1 : end;
                if (n > 0 && line[n - 1] == '\r')
                        line[--n] = '\0';
                if (!utf8_is_valid(line, n))
                        return fail(st, "not valid UTF-8");
                for (size_t i = 0; i < n; i++)
                        if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
                                return fail(st, "control character in line");

                _cleanup_free_ char *t = strdup_trim(line);
                if (!t)
                        return -ENOMEM;
                if (!*t || t[0] == '#' || t[0] == ';')
                        continue;

                if (t[0] == '[') {
                        size_t tl = strlen(t);
                        if (t[tl - 1] != ']')
                                return fail(st, "bad section header (missing ']')");
                        t[tl - 1] = '\0';
                        Section found = SECTION_NONE;
                        for (int i = 1; i < _SECTION_MAX; i++)
                                if (streq(t + 1, section_names[i]))
                                        found = (Section)i;
                        if (found == SECTION_NONE)
                                return fail(st, "unknown section [%.40s]", t + 1);
                        if (section_seen[found])
                                return fail(st, "duplicate section [%s]", section_names[found]);
                        section_seen[found] = true;
                        sec = found;
                        seen.n = 0;
                        continue;
                }

                char *eq = strchr(t, '=');
                if (!eq)
                        return fail(st, "expected 'key = value', '[section]' or a comment");
                *eq = '\0';
                _cleanup_free_ char *key = strdup_trim(t);
                _cleanup_free_ char *value = strdup_trim(eq + 1);
                if (!key || !value)
                        return -ENOMEM;
                if (!*key)
                        return fail(st, "empty key");
                if (sec == SECTION_NONE)
                        return fail(st, "key '%.40s' outside of any section", key);
                if (strlen(key) >= sizeof(seen.keys[0]))
                        return fail(st, "unknown key '%.40s' in [%s]", key, section_names[sec]);
                for (size_t i = 0; i < seen.n; i++)
                        if (streq(seen.keys[i], key))
                                return fail(st, "duplicate key '%s' in [%s]", key, section_names[sec]);
                if (seen.n >= ELEMENTSOF(seen.keys))
                        return fail(st, "too many keys in [%s]", section_names[sec]);
                int r = handle_key(st, p, sec, key, value);
                if (r < 0)
                        return r;
                strcpy(seen.keys[seen.n++], key);
        }

        st->line = 0;
        if (!p->id)
                return fail(st, "missing 'id' in [profile]");
        if (!p->evidence)
                return fail(st, "missing 'evidence' in [profile]: say where the facts come from");
        if (!p->dtmf_command && (p->dtmf_command = strdup("AT+VTS={digits}")) == NULL)
                return -ENOMEM;
        return 0;
}

int profile_parse_buffer(const char *name, const char *buf, size_t len, Profile **ret, char **ret_error) {
        ParseState st = {.name = name ? name : "<profile>"};
        _cleanup_(profile_freep) Profile *p = profile_alloc();
        int r;

        if (!p)
                return -ENOMEM;
        if (!buf)
                len = 0;
        r = parse(&st, buf ? buf : "", len, p);
        if (r < 0) {
                if (ret_error)
                        *ret_error = TAKE_PTR(st.error);
                free(st.error);
                return r;
        }
        free(st.error);
        *ret = TAKE_PTR(p);
        return 0;
}

/* Reads at most PROFILE_FILE_MAX + 1 bytes of a regular file.  Opened
 * with O_NONBLOCK so a FIFO (or a device) named *.conf cannot block the
 * daemon's start in open() -- its signals are blocked for signalfd, so it
 * would not even die on SIGTERM -- and refused after fstat(): only a
 * regular file is a profile.  A directory gets the same clear message
 * instead of read()'s EISDIR. */
static int read_profile_file(const char *path, char **ret_buf, size_t *ret_len, char **ret_error) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t n = 0;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
                r = -errno;
                if (ret_error && asprintf(ret_error, "%s:0: cannot open: %s", path, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        if (fstat(fd, &st) < 0) {
                r = -errno;
                if (ret_error && asprintf(ret_error, "%s:0: cannot stat: %s", path, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        if (!S_ISREG(st.st_mode)) {
                if (ret_error && asprintf(ret_error, "%s:0: not a regular file, skipped", path) < 0)
                        *ret_error = NULL;
                return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        }
        buf = malloc(PROFILE_FILE_MAX + 1);
        if (!buf)
                return -ENOMEM;
        while (n < PROFILE_FILE_MAX + 1) {
                ssize_t k = read(fd, buf + n, PROFILE_FILE_MAX + 1 - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        if (ret_error && asprintf(ret_error, "%s:0: read error: %s", path, strerror(-r)) < 0)
                                *ret_error = NULL;
                        return r;
                }
                if (k == 0)
                        break;
                n += (size_t)k;
        }
        *ret_buf = TAKE_PTR(buf);
        *ret_len = n;
        return 0;
}

int profile_parse_file(const char *path, Profile **ret, char **ret_error) {
        _cleanup_free_ char *buf = NULL;
        size_t n = 0;
        Profile *p = NULL;
        int r;

        r = read_profile_file(path, &buf, &n, ret_error);
        if (r < 0)
                return r;
        r = profile_parse_buffer(path, buf, n, &p, ret_error);
        if (r < 0)
                return r;
        p->path = strdup(path);
        if (!p->path) {
                profile_free(p);
                return -ENOMEM;
        }
        *ret = p;
        return 0;
}
