/* SIM reply parsers (3GPP TS 27.007 5.4, 5.6, 7.1, 8.3, 9.2.1).  Field
 * case C35: "+CPIN: READY" also arrives as a URC after a PIN entry, so the
 * CPIN parser is shared by the query and the URC handler. */
#include "sim/sim-parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-result.h"
#include "util/cleanup.h"
#include "util/strutil.h"

static const char *const state_names[_SIM_STATE_MAX] = {
        [SIM_STATE_UNKNOWN] = "unknown",
        [SIM_STATE_ABSENT] = "absent",
        [SIM_STATE_PIN_REQUIRED] = "pin-required",
        [SIM_STATE_PUK_REQUIRED] = "puk-required",
        [SIM_STATE_LOCKED] = "locked",
        [SIM_STATE_READY] = "ready",
        [SIM_STATE_FAILED] = "failed",
};

const char *sim_state_to_string(SimState s) {
        if ((unsigned)s >= _SIM_STATE_MAX)
                return NULL;
        return state_names[s];
}

/* The parse is src/at/at-result.c's; what each 27.007 code means for the
 * SIM is decided here. */
int sim_parse_cpin(const char *line, SimState *ret) {
        AtPinState pin;
        int r;

        r = at_parse_cpin(line, &pin);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return -EBADMSG;
        switch (pin) {
        case AT_PIN_READY:
                *ret = SIM_STATE_READY;
                break;
        case AT_PIN_SIM_PIN:
                *ret = SIM_STATE_PIN_REQUIRED;
                break;
        case AT_PIN_SIM_PUK:
                *ret = SIM_STATE_PUK_REQUIRED;
                break;
        case AT_PIN_NOT_INSERTED: /* SIMCom, Quectel */
                *ret = SIM_STATE_ABSENT;
                break;
        case AT_PIN_NOT_READY: /* still booting */
                *ret = SIM_STATE_UNKNOWN;
                break;
        default: /* SIM PIN2/PUK2, PH-* personalisation locks */
                *ret = SIM_STATE_LOCKED;
                break;
        }
        return 0;
}

static const char *skip_spaces(const char *s) {
        while (*s == ' ' || *s == '\t')
                s++;
        return s;
}

int sim_state_from_cme(int code, SimState *ret) {
        switch (code) {
        case 10: /* SIM not inserted */
                *ret = SIM_STATE_ABSENT;
                return 0;
        case 11: /* SIM PIN required */
                *ret = SIM_STATE_PIN_REQUIRED;
                return 0;
        case 12: /* SIM PUK required */
                *ret = SIM_STATE_PUK_REQUIRED;
                return 0;
        case 13: /* SIM failure */
        case 15: /* SIM wrong */
                *ret = SIM_STATE_FAILED;
                return 0;
        case 14: /* SIM busy */
                *ret = SIM_STATE_UNKNOWN;
                return 0;
        case 17: /* SIM PIN2 required */
        case 18: /* SIM PUK2 required */
                *ret = SIM_STATE_LOCKED;
                return 0;
        default:
                return -ENOENT;
        }
}

bool sim_pin_is_valid(const char *pin) {
        size_t len;

        if (!pin)
                return false;
        len = strlen(pin);
        if (len < 4 || len > 8)
                return false;
        for (size_t i = 0; i < len; i++)
                if (pin[i] < '0' || pin[i] > '9')
                        return false;
        return true;
}

static const char *const identity_names[_SIM_IDENTITY_MAX] = {
        [SIM_IDENTITY_IMEI] = "IMEI",
        [SIM_IDENTITY_IMSI] = "IMSI",
        [SIM_IDENTITY_ICCID] = "ICCID",
        [SIM_IDENTITY_MSISDN] = "MSISDN",
};

const char *sim_identity_kind_to_string(SimIdentityKind k) {
        if ((unsigned)k >= _SIM_IDENTITY_MAX)
                return NULL;
        return identity_names[k];
}

static bool all_digits(const char *s, size_t len) {
        for (size_t i = 0; i < len; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

/* Strips a known prefix, spaces and one pair of quotes; [*ret_start, +len). */
static void strip_value(const char *line, const char **ret_start, size_t *ret_len) {
        static const char *const prefixes[] = {
                "+CGSN:", "+CIMI:", "+CCID:", "+ICCID:", "^ICCID:", "+QCCID:", "ICCID:"};
        const char *s = line;
        size_t len;

        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                if (startswith_no_case(s, prefixes[i])) {
                        s += strlen(prefixes[i]);
                        break;
                }
        s = skip_spaces(s);
        len = strlen(s);
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
        if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
                s++;
                len -= 2;
        }
        *ret_start = s;
        *ret_len = len;
}

static int parse_cnum(const char *line, char **ret) {
        /* +CNUM: [<alpha>],<number>,<type>[,...] */
        const char *p, *q;

        if (!startswith(line, "+CNUM:"))
                return -ENOENT;
        p = strchr(line, ',');
        if (!p)
                return -EBADMSG;
        p = skip_spaces(p + 1);
        if (*p != '"')
                return -EBADMSG;
        p++;
        q = strchr(p, '"');
        if (!q)
                return -EBADMSG;
        if (q == p)
                return -ENOENT; /* SIM does not know its number */
        for (const char *c = p; c < q; c++)
                if (!((*c >= '0' && *c <= '9') || (*c == '+' && c == p)))
                        return -EBADMSG;
        if (q - p > 20)
                return -EBADMSG;
        *ret = strndup(p, (size_t)(q - p));
        return *ret ? 0 : -ENOMEM;
}

int sim_parse_identity(SimIdentityKind kind, const char *const *lines, size_t n_lines, char **ret) {
        int r = -ENOENT;

        for (size_t i = 0; i < n_lines; i++) {
                const char *s;
                size_t len;
                char *v;

                if (!lines[i] || lines[i][0] == '\0')
                        continue;
                if (kind == SIM_IDENTITY_MSISDN) {
                        r = parse_cnum(lines[i], &v);
                        if (r == -ENOENT)
                                continue;
                        if (r < 0)
                                return r;
                        *ret = v;
                        return 0;
                }
                strip_value(lines[i], &s, &len);
                switch (kind) {
                case SIM_IDENTITY_IMEI:
                        if (len < 14 || len > 17 || !all_digits(s, len))
                                return -EBADMSG;
                        break;
                case SIM_IDENTITY_IMSI:
                        if (len < 6 || len > 15 || !all_digits(s, len))
                                return -EBADMSG;
                        break;
                case SIM_IDENTITY_ICCID:
                        /* 19-20 digits usually; a trailing F pads an odd count. */
                        if (len > 0 && (s[len - 1] == 'F' || s[len - 1] == 'f'))
                                len--;
                        if (len < 18 || len > 22 || !all_digits(s, len))
                                return -EBADMSG;
                        break;
                default:
                        return -EINVAL;
                }
                v = strndup(s, len);
                if (!v)
                        return -ENOMEM;
                *ret = v;
                return 0;
        }
        return r;
}
