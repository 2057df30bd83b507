/* Network registration reply parsers (3GPP TS 27.007 7.2, 7.3, 8.5,
 * 10.1.19, 10.1.22).  Field case C31 (gammu #336, TinyGSM #503) drives the
 * +CREG rules: optional trailing fields, <AcT> never mistaken for <stat>,
 * the solicited form told apart from the URC by the caller. */
#include "netreg/netreg-parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/strutil.h"

static const char *const family_names[_NETREG_FAMILY_MAX] = {
        [NETREG_FAMILY_CREG] = "CREG",
        [NETREG_FAMILY_CGREG] = "CGREG",
        [NETREG_FAMILY_CEREG] = "CEREG",
};

const char *netreg_family_to_string(NetRegFamily f) {
        if ((unsigned)f >= _NETREG_FAMILY_MAX)
                return NULL;
        return family_names[f];
}

static bool is_space(char c) {
        return c == ' ' || c == '\t';
}

int netreg_split_fields(const char *s, NetRegField *fields, size_t max) {
        size_t n = 0;
        const char *p = s;

        for (;;) {
                const char *start, *end;
                bool quoted = false;

                while (is_space(*p))
                        p++;
                start = p;
                while (*p && (quoted || *p != ',')) {
                        if (*p == '"')
                                quoted = !quoted;
                        p++;
                }
                if (quoted)
                        return -EBADMSG;
                end = p;
                while (end > start && is_space(end[-1]))
                        end--;
                if (n >= max)
                        return -EBADMSG;
                fields[n].start = start;
                fields[n].len = (size_t)(end - start);
                n++;
                if (*p == '\0')
                        break;
                p++; /* the comma */
        }
        return (int)n;
}

/* Strict unsigned decimal field in [0, max]. */
static int field_uint(const NetRegField *f, unsigned max, unsigned *ret) {
        unsigned long v = 0;

        if (f->len == 0 || f->len > 5)
                return -EBADMSG;
        for (size_t i = 0; i < f->len; i++) {
                if (f->start[i] < '0' || f->start[i] > '9')
                        return -EBADMSG;
                v = v * 10 + (unsigned long)(f->start[i] - '0');
        }
        if (v > max)
                return -EBADMSG;
        *ret = (unsigned)v;
        return 0;
}

/* Optional LAC/TAC/CI: empty, "quoted hex" or (C31, gammu #89) bare hex/decimal. */
static int field_hex_optional(const NetRegField *f) {
        const char *s = f->start;
        size_t len = f->len;

        if (len == 0)
                return 0;
        if (s[0] == '"') {
                if (len < 2 || s[len - 1] != '"')
                        return -EBADMSG;
                s++;
                len -= 2;
        }
        if (len > 16)
                return -EBADMSG;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
                        return -EBADMSG;
        }
        return 0;
}

/* Returns the rest after "<prefix>:" when line starts with it. */
static const char *after_prefix(const char *line, const char *prefix) {
        size_t l = strlen(prefix);
        if (strncmp(line, prefix, l) != 0)
                return NULL;
        return line + l;
}

int netreg_parse_csq(const char *line, unsigned *ret_rssi, unsigned *ret_ber) {
        NetRegField f[3];
        const char *rest;
        unsigned rssi, ber;
        int n;

        if (!line || !(rest = after_prefix(line, "+CSQ:")))
                return -EBADMSG;
        n = netreg_split_fields(rest, f, ELEMENTSOF(f));
        if (n != 2)
                return -EBADMSG;
        if (field_uint(&f[0], 99, &rssi) < 0 || field_uint(&f[1], 99, &ber) < 0)
                return -EBADMSG;
        if (rssi > 31 && rssi != 99)
                return -EBADMSG;
        if (ber > 7 && ber != 99)
                return -EBADMSG;
        *ret_rssi = rssi;
        *ret_ber = ber;
        return 0;
}

uint32_t netreg_csq_to_percent(unsigned rssi) {
        if (rssi > 31)
                return 0;
        return (uint32_t)((rssi * 100 + 15) / 31);
}

int netreg_parse_creg(const char *line, bool solicited, NetRegFamily *ret_family, int *ret_stat) {
        static const struct {
                const char *prefix;
                NetRegFamily family;
        } prefixes[] = {
                { "+CREG:", NETREG_FAMILY_CREG },
                { "+CGREG:", NETREG_FAMILY_CGREG },
                { "+CEREG:", NETREG_FAMILY_CEREG },
        };
        NetRegField f[8];
        const char *rest = NULL;
        NetRegFamily family = NETREG_FAMILY_CREG;
        unsigned n_mode, stat, act;
        size_t i, first;
        int n;

        if (!line)
                return -EBADMSG;
        for (i = 0; i < ELEMENTSOF(prefixes); i++)
                if ((rest = after_prefix(line, prefixes[i].prefix))) {
                        family = prefixes[i].family;
                        break;
                }
        if (!rest)
                return -EBADMSG;

        n = netreg_split_fields(rest, f, ELEMENTSOF(f));
        if (n < 0)
                return n;

        if (solicited) {
                /* <n>,<stat>[,<lac>,<ci>[,<AcT>]] (+CEREG may add <cause_type>,<reject_cause>) */
                if (n < 2 || field_uint(&f[0], 5, &n_mode) < 0)
                        return -EBADMSG;
                first = 1;
        } else
                first = 0;

        if (field_uint(&f[first], 11, &stat) < 0)
                return -EBADMSG;

        /* Optional tail: lac, ci, AcT, then 27.007's reject cause fields. */
        if ((size_t)n > first + 1) {
                bool any = false;

                for (i = first + 1; i < (size_t)n; i++)
                        if (f[i].len > 0)
                                any = true;
                if (!any) /* "0,1," — a tail of nothing but commas */
                        return -EBADMSG;
                for (i = first + 1; i < (size_t)n && i < first + 3; i++)
                        if (field_hex_optional(&f[i]) < 0)
                                return -EBADMSG;
                for (i = first + 3; i < (size_t)n; i++)
                        if (f[i].len > 0 && field_uint(&f[i], 255, &act) < 0)
                                return -EBADMSG;
        }

        *ret_family = family;
        *ret_stat = (int)stat;
        return 0;
}

int netreg_parse_cops(const char *line, char **ret_name) {
        NetRegField f[5];
        const char *rest;
        unsigned mode, format, act;
        char *name;
        int n;

        if (!line || !(rest = after_prefix(line, "+COPS:")))
                return -EBADMSG;
        n = netreg_split_fields(rest, f, ELEMENTSOF(f));
        if (n < 1 || n == 2 || n > 4)
                return -EBADMSG;
        if (field_uint(&f[0], 4, &mode) < 0)
                return -EBADMSG;
        if (n == 1) {
                name = strdup("");
                if (!name)
                        return -ENOMEM;
                *ret_name = name;
                return 0;
        }
        if (field_uint(&f[1], 2, &format) < 0)
                return -EBADMSG;
        if (f[2].len < 2 || f[2].start[0] != '"' || f[2].start[f[2].len - 1] != '"')
                return -EBADMSG;
        if (n == 4 && field_uint(&f[3], 255, &act) < 0)
                return -EBADMSG;
        /* Printable ASCII only: the name becomes a D-Bus string. */
        for (size_t i = 1; i + 1 < f[2].len; i++)
                if ((unsigned char)f[2].start[i] < 0x20 || (unsigned char)f[2].start[i] > 0x7e ||
                    f[2].start[i] == '"')
                        return -EBADMSG;
        name = strndup(f[2].start + 1, f[2].len - 2);
        if (!name)
                return -ENOMEM;
        *ret_name = name;
        return 0;
}
