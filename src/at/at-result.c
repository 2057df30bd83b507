/* Final result table and response parsers (V.250 5.7.2, 3GPP TS 27.007,
 * TS 27.005).  Pure functions; see at-result.h for the error convention.
 * Test vectors in tests/unit/at/test-at-result.c are named after the device
 * or field case that produced them. */
#include "at/at-result.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"
#include "util/strutil.h"

static const char *const final_table[_AT_FINAL_MAX] = {
        [AT_FINAL_OK] = "ok",
        [AT_FINAL_ERROR] = "error",
        [AT_FINAL_CME_ERROR] = "cme-error",
        [AT_FINAL_CMS_ERROR] = "cms-error",
        [AT_FINAL_NO_CARRIER] = "no-carrier",
        [AT_FINAL_BUSY] = "busy",
        [AT_FINAL_NO_ANSWER] = "no-answer",
        [AT_FINAL_NO_DIALTONE] = "no-dialtone",
        [AT_FINAL_CONNECT] = "connect",
        [AT_FINAL_TIMEOUT] = "timeout",
        [AT_FINAL_CANCELLED] = "cancelled",
        [AT_FINAL_GONE] = "gone",
};

const char *at_final_to_string(AtFinal f) {
        if ((unsigned)f >= _AT_FINAL_MAX)
                return NULL;
        return final_table[f];
}

int at_final_to_errno(AtFinal f) {
        switch (f) {
        case AT_FINAL_OK:
                return 0;
        case AT_FINAL_TIMEOUT:
                return -ETIMEDOUT;
        case AT_FINAL_GONE:
                return -ENODEV;
        case AT_FINAL_CANCELLED:
                return -ECANCELED;
        default:
                return -EIO;
        }
}

/* Copies line without surrounding white space into buf; false if too long. */
static bool trim_into(const char *line, char *buf, size_t size) {
        const char *s = line, *e;
        while (*s && isspace((unsigned char)*s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
                e--;
        if ((size_t)(e - s) >= size)
                return false;
        memcpy(buf, s, (size_t)(e - s));
        buf[e - s] = '\0';
        return true;
}

static const struct {
        const char *text;
        int code;
} cme_texts[] = {
        /* 27.007 9.2.1 verbose texts, as modems print them with AT+CMEE=2. */
        {"phone failure", 0},
        {"no connection to phone", 1},
        {"operation not allowed", 3},
        {"operation not supported", 4},
        {"PH-SIM PIN required", 5},
        {"SIM not inserted", 10},
        {"SIM PIN required", 11},
        {"SIM PUK required", 12},
        {"SIM failure", 13},
        {"SIM busy", 14},
        {"SIM wrong", 15},
        {"incorrect password", 16},
        {"SIM PIN2 required", 17},
        {"SIM PUK2 required", 18},
        {"memory full", 20},
        {"invalid index", 21},
        {"not found", 22},
        {"memory failure", 23},
        {"text string too long", 24},
        {"invalid characters in text string", 25},
        {"dial string too long", 26},
        {"invalid characters in dial string", 27},
        {"no network service", 30},
        {"network timeout", 31},
        {"network not allowed - emergency calls only", 32},
        {"unknown", 100},
};

int at_result_cme_text_to_code(const char *text) {
        if (!text)
                return -1;
        for (size_t i = 0; i < ELEMENTSOF(cme_texts); i++)
                if (strcasecmp(text, cme_texts[i].text) == 0)
                        return cme_texts[i].code;
        return -1;
}

static int parse_error_code(const char *rest, bool cme) {
        long v;
        while (*rest == ' ')
                rest++;
        if (safe_atoi_range(rest, 0, 65535, &v) >= 0)
                return (int)v;
        return cme ? at_result_cme_text_to_code(rest) : -1;
}

bool at_result_parse_final(const char *line, AtFinal *ret_final, int *ret_code) {
        char buf[128];
        AtFinal f;
        int code = -1;

        if (!line || !trim_into(line, buf, sizeof(buf)))
                return false;

        if (streq(buf, "OK"))
                f = AT_FINAL_OK;
        else if (streq(buf, "ERROR"))
                f = AT_FINAL_ERROR;
        else if (startswith(buf, "+CME ERROR:")) {
                f = AT_FINAL_CME_ERROR;
                code = parse_error_code(buf + strlen("+CME ERROR:"), true);
        } else if (startswith(buf, "+CMS ERROR:")) {
                f = AT_FINAL_CMS_ERROR;
                code = parse_error_code(buf + strlen("+CMS ERROR:"), false);
        } else if (streq(buf, "NO CARRIER"))
                f = AT_FINAL_NO_CARRIER;
        else if (streq(buf, "BUSY"))
                f = AT_FINAL_BUSY;
        else if (streq(buf, "NO ANSWER"))
                f = AT_FINAL_NO_ANSWER;
        else if (streq(buf, "NO DIALTONE") || streq(buf, "NO DIAL TONE"))
                f = AT_FINAL_NO_DIALTONE;
        else if (streq(buf, "CONNECT") || startswith(buf, "CONNECT "))
                f = AT_FINAL_CONNECT;
        else
                return false;

        if (ret_final)
                *ret_final = f;
        if (ret_code)
                *ret_code = code;
        return true;
}

/* ---- fields ------------------------------------------------------------ */

const char *at_result_after_prefix(const char *line, const char *prefix) {
        if (!line || !prefix || !startswith(line, prefix))
                return NULL;
        line += strlen(prefix);
        while (*line == ' ')
                line++;
        return line;
}

int at_result_split_fields(const char *text, AtFields *ret) {
        AtFields f = {};
        const char *p = text;
        size_t o = 0;

        if (!text || !ret)
                return -EINVAL;
        if (strlen(text) >= sizeof(f.buf))
                return -ENOBUFS;

        while (*p == ' ' || *p == '\t')
                p++;
        if (*p == '\0') {
                ret->n = 0;
                return 0;
        }

        for (;;) {
                size_t start;

                if (f.n >= AT_FIELDS_MAX)
                        return -E2BIG;
                while (*p == ' ' || *p == '\t')
                        p++;
                start = o;
                if (*p == '"') {
                        const char *q = strchr(p + 1, '"');
                        if (!q)
                                return -EBADMSG;
                        memcpy(f.buf + o, p + 1, (size_t)(q - p - 1));
                        o += (size_t)(q - p - 1);
                        f.quoted[f.n] = true;
                        p = q + 1;
                        while (*p == ' ' || *p == '\t')
                                p++;
                        if (*p != ',' && *p != '\0')
                                return -EBADMSG;
                } else {
                        int depth = 0;
                        while (*p && (depth > 0 || *p != ',')) {
                                if (*p == '(')
                                        depth++;
                                else if (*p == ')' && depth > 0)
                                        depth--;
                                else if (*p == '"' && depth == 0)
                                        return -EBADMSG; /* quote inside a bare field */
                                f.buf[o++] = *p++;
                        }
                        if (depth > 0)
                                return -EBADMSG;
                        while (o > start && (f.buf[o - 1] == ' ' || f.buf[o - 1] == '\t'))
                                o--;
                }
                f.buf[o++] = '\0';
                f.v[f.n++] = f.buf + start;
                if (*p == '\0')
                        break;
                p++; /* the comma */
        }

        *ret = f;
        /* Pointers were computed into the local copy: rebase them. */
        for (size_t i = 0; i < ret->n; i++)
                ret->v[i] = ret->buf + (f.v[i] - f.buf);
        return 0;
}

/* Strict small non-negative integer from an unquoted, non-empty field. */
static int field_uint(const AtFields *f, size_t i, long max, int *ret) {
        long v;
        if (i >= f->n || f->quoted[i] || f->v[i][0] == '\0')
                return -EBADMSG;
        if (!isdigit((unsigned char)f->v[i][0]))
                return -EBADMSG;
        if (safe_atoi_range(f->v[i], 0, max, &v) < 0)
                return -EBADMSG;
        *ret = (int)v;
        return 0;
}

static bool field_empty(const AtFields *f, size_t i) {
        return i >= f->n || (!f->quoted[i] && f->v[i][0] == '\0');
}

static int fields_after(const char *line, const char *prefix, AtFields *f) {
        const char *rest = at_result_after_prefix(line, prefix);
        int r;
        if (!rest)
                return -EINVAL;
        r = at_result_split_fields(rest, f);
        if (r < 0)
                return r == -ENOBUFS ? -ENOBUFS : -EBADMSG;
        return 0;
}

/* ---- +CSQ --------------------------------------------------------------- */

int at_csq_rssi_to_percent(unsigned rssi, unsigned *ret_percent) {
        if (rssi == 99) {
                *ret_percent = 0;
                return 0;
        }
        if (rssi > 31)
                return -EINVAL;
        /* 0 = -113 dBm or less, 31 = -51 dBm or more: linear in dBm. */
        *ret_percent = (rssi * 100 + 15) / 31;
        return 0;
}

int at_parse_csq(const char *line, AtCsq *ret) {
        _cleanup_free_ AtFields *f = malloc(sizeof(AtFields));
        int rssi, ber, r;
        unsigned pct;

        if (!f)
                return -ENOMEM;
        r = fields_after(line, "+CSQ:", f);
        if (r < 0)
                return r;
        if (f->n != 2)
                return -EBADMSG;
        if (field_uint(f, 0, 99, &rssi) < 0 || field_uint(f, 1, 99, &ber) < 0)
                return -EBADMSG;
        if (ber > 7 && ber != 99)
                return -EBADMSG;
        if (at_csq_rssi_to_percent((unsigned)rssi, &pct) < 0)
                return -EBADMSG;
        *ret = (AtCsq){.rssi = (unsigned)rssi, .ber = (unsigned)ber, .percent = pct};
        return 0;
}

/* ---- registration ------------------------------------------------------- */

static const char *const reg_family_table[_AT_REG_FAMILY_MAX] = {
        [AT_REG_CREG] = "+CREG:",
        [AT_REG_CGREG] = "+CGREG:",
        [AT_REG_CEREG] = "+CEREG:",
        [AT_REG_C5GREG] = "+C5GREG:",
};

const char *at_reg_family_to_string(AtRegFamily f) {
        if ((unsigned)f >= _AT_REG_FAMILY_MAX)
                return NULL;
        return reg_family_table[f];
}

const char *at_reg_stat_to_registration(int stat) {
        switch (stat) {
        case 0:
                return "idle";
        case 1:
        case 6: /* registered for SMS only, home */
        case 9: /* CSFB not preferred, home */
                return "home";
        case 2:
                return "searching";
        case 3:
                return "denied";
        case 5:
        case 7:  /* SMS only, roaming */
        case 10: /* CSFB not preferred, roaming */
                return "roaming";
        case 8:  /* attached for emergency bearer services only */
        case 11: /* emergency services only */
                return "denied";
        default:
                return "unknown";
        }
}

/* Hex LAC/TAC/CI, quoted or not, up to max_digits. */
static int field_hex(const AtFields *f, size_t i, size_t max_digits, uint64_t *ret) {
        const char *s = f->v[i];
        size_t len = strlen(s);
        uint64_t v = 0;

        if (len == 0 || len > max_digits)
                return -EBADMSG;
        for (size_t k = 0; k < len; k++) {
                int d;
                if (s[k] >= '0' && s[k] <= '9')
                        d = s[k] - '0';
                else if (s[k] >= 'a' && s[k] <= 'f')
                        d = s[k] - 'a' + 10;
                else if (s[k] >= 'A' && s[k] <= 'F')
                        d = s[k] - 'A' + 10;
                else
                        return -EBADMSG;
                v = v << 4 | (uint64_t)d;
        }
        *ret = v;
        return 0;
}

int at_parse_creg(const char *line, AtRegForm form, AtRegistration *ret) {
        _cleanup_free_ AtFields *f = malloc(sizeof(AtFields));
        AtRegistration reg = {.n = -1, .act = -1};
        size_t i = 0, tail;
        bool found = false;
        int r;

        if (!f)
                return -ENOMEM;
        if (!line)
                return -EINVAL;
        for (AtRegFamily fam = 0; fam < _AT_REG_FAMILY_MAX; fam++)
                if (startswith(line, reg_family_table[fam])) {
                        reg.family = fam;
                        found = true;
                        break;
                }
        if (!found)
                return -EINVAL;
        r = fields_after(line, reg_family_table[reg.family], f);
        if (r < 0)
                return r;
        if (f->n == 0)
                return -EBADMSG;

        if (form == AT_REG_FORM_AUTO)
                form = (f->n == 1 || f->quoted[1]) ? AT_REG_FORM_URC : AT_REG_FORM_QUERY;

        if (form == AT_REG_FORM_QUERY) {
                if (f->n < 2 || field_uint(f, 0, 5, &reg.n) < 0)
                        return -EBADMSG;
                reg.solicited = true;
                i = 1;
        }
        if (field_uint(f, i, 11, &reg.stat) < 0)
                return -EBADMSG;
        tail = i + 1;

        if (tail < f->n) {
                bool all_empty = true;
                for (size_t k = tail; k < f->n; k++)
                        if (!field_empty(f, k))
                                all_empty = false;
                /* "0,1," or "1,,,": a tail of nothing is a broken reply,
                 * not "no location". */
                if (all_empty)
                        return -EBADMSG;

                if (!field_empty(f, tail)) {
                        uint64_t lac;
                        if (field_hex(f, tail, 8, &lac) < 0)
                                return -EBADMSG;
                        reg.has_lac = true;
                        reg.lac = (uint32_t)lac;
                }
                if (tail + 1 < f->n && !field_empty(f, tail + 1)) {
                        /* 36-bit NR cell identity fits in 9 hex digits. */
                        if (field_hex(f, tail + 1, 9, &reg.ci) < 0)
                                return -EBADMSG;
                        reg.has_ci = true;
                }
                if (tail + 2 < f->n && !field_empty(f, tail + 2))
                        if (field_uint(f, tail + 2, 15, &reg.act) < 0)
                                return -EBADMSG;
                /* Further fields (<rac>, <cause_type>, <reject_cause>,
                 * active time...) are not used; they may be anything. */
        }

        *ret = reg;
        return 0;
}

/* ---- +COPS -------------------------------------------------------------- */

int at_parse_cops(const char *line, AtCops *ret) {
        _cleanup_free_ AtFields *f = malloc(sizeof(AtFields));
        AtCops c = {.format = -1, .act = -1};
        int r;

        if (!f)
                return -ENOMEM;
        r = fields_after(line, "+COPS:", f);
        if (r < 0)
                return r;
        if (f->n < 1 || f->n > 4)
                return -EBADMSG;
        if (field_uint(f, 0, 4, &c.mode) < 0)
                return -EBADMSG;
        if (f->n >= 2) {
                if (field_uint(f, 1, 2, &c.format) < 0)
                        return -EBADMSG;
                if (f->n < 3)
                        return -EBADMSG; /* a format without an operator */
                /* <oper> is a string (quoted), without control characters.
                 * It becomes a D-Bus string: a name in UTF-8 is kept, bytes
                 * that are not (Latin-1 from many modems: "Telef\xf3nica")
                 * are written \xhh rather than the name being refused and
                 * the old operator kept. */
                if (f->v[2][0] == '\0' || !f->quoted[2])
                        return -EBADMSG;
                for (const char *p = f->v[2]; *p; p++)
                        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
                                return -EBADMSG;
                _cleanup_free_ char *name = text_escape(f->v[2]);
                if (!name)
                        return -ENOMEM;
                if (strlen(name) >= sizeof(c.oper))
                        return -ENOBUFS;
                strcpy(c.oper, name);
                if (c.format == 2)
                        for (const char *p = c.oper; *p; p++)
                                if (!isdigit((unsigned char)*p))
                                        return -EBADMSG;
        }
        if (f->n == 4 && !field_empty(f, 3) && field_uint(f, 3, 15, &c.act) < 0)
                return -EBADMSG;

        *ret = c;
        return 0;
}

/* ---- +CPIN -------------------------------------------------------------- */

static const char *const pin_table[_AT_PIN_STATE_MAX] = {
        [AT_PIN_READY] = "READY",
        [AT_PIN_SIM_PIN] = "SIM PIN",
        [AT_PIN_SIM_PUK] = "SIM PUK",
        [AT_PIN_SIM_PIN2] = "SIM PIN2",
        [AT_PIN_SIM_PUK2] = "SIM PUK2",
        [AT_PIN_PH_SIM_PIN] = "PH-SIM PIN",
        [AT_PIN_PH_FSIM_PIN] = "PH-FSIM PIN",
        [AT_PIN_PH_FSIM_PUK] = "PH-FSIM PUK",
        [AT_PIN_PH_NET_PIN] = "PH-NET PIN",
        [AT_PIN_PH_NET_PUK] = "PH-NET PUK",
        [AT_PIN_PH_NETSUB_PIN] = "PH-NETSUB PIN",
        [AT_PIN_PH_NETSUB_PUK] = "PH-NETSUB PUK",
        [AT_PIN_PH_SP_PIN] = "PH-SP PIN",
        [AT_PIN_PH_SP_PUK] = "PH-SP PUK",
        [AT_PIN_PH_CORP_PIN] = "PH-CORP PIN",
        [AT_PIN_PH_CORP_PUK] = "PH-CORP PUK",
        [AT_PIN_NOT_INSERTED] = "NOT INSERTED",
        [AT_PIN_NOT_READY] = "NOT READY",
};

const char *at_pin_state_to_string(AtPinState s) {
        if ((unsigned)s >= _AT_PIN_STATE_MAX)
                return NULL;
        return pin_table[s];
}

int at_parse_cpin(const char *line, AtPinState *ret) {
        _cleanup_free_ AtFields *f = malloc(sizeof(AtFields));
        int r;

        if (!f)
                return -ENOMEM;
        r = fields_after(line, "+CPIN:", f);
        if (r < 0)
                return r;
        if (f->n != 1)
                return -EBADMSG;
        for (AtPinState s = 0; s < _AT_PIN_STATE_MAX; s++)
                if (streq(f->v[0], pin_table[s])) {
                        *ret = s;
                        return 0;
                }
        return -EBADMSG;
}

/* ---- +CMTI / +CDSI ------------------------------------------------------ */

int at_parse_cmti(const char *line, AtMessageIndication *ret) {
        _cleanup_free_ AtFields *f = malloc(sizeof(AtFields));
        AtMessageIndication m = {};
        size_t len;
        int idx, r;

        if (!f)
                return -ENOMEM;
        r = fields_after(line, "+CMTI:", f);
        if (r == -EINVAL)
                r = fields_after(line, "+CDSI:", f);
        if (r < 0)
                return r;
        if (f->n != 2)
                return -EBADMSG;
        len = strlen(f->v[0]);
        if (len < 2 || len >= sizeof(m.mem))
                return -EBADMSG;
        for (size_t i = 0; i < len; i++)
                if (!isupper((unsigned char)f->v[0][i]))
                        return -EBADMSG;
        if (field_uint(f, 1, 65535, &idx) < 0)
                return -EBADMSG;
        memcpy(m.mem, f->v[0], len + 1);
        m.index = (unsigned)idx;
        *ret = m;
        return 0;
}

/* ---- +CMGS -------------------------------------------------------------- */

int at_parse_cmgs(const char *line, unsigned *ret_mr) {
        _cleanup_free_ AtFields *f = malloc(sizeof(AtFields));
        int mr, r;

        if (!f)
                return -ENOMEM;
        r = fields_after(line, "+CMGS:", f);
        if (r < 0)
                return r;
        if (f->n < 1 || f->n > 2)
                return -EBADMSG;
        if (field_uint(f, 0, 255, &mr) < 0)
                return -EBADMSG;
        *ret_mr = (unsigned)mr;
        return 0;
}

/* ---- +CUSD -------------------------------------------------------------- */

int at_parse_cusd(const char *line, AtCusd *ret) {
        _cleanup_free_ AtFields *f = malloc(sizeof(AtFields));
        _cleanup_free_ AtCusd *c = calloc(1, sizeof(AtCusd));
        int r;

        if (!f || !c)
                return -ENOMEM;
        r = fields_after(line, "+CUSD:", f);
        if (r < 0)
                return r;
        if (f->n < 1 || f->n > 3)
                return -EBADMSG;
        if (field_uint(f, 0, 5, &c->m) < 0)
                return -EBADMSG;
        c->dcs = -1;
        if (f->n >= 2) {
                if (!f->quoted[1] && f->v[1][0] != '\0')
                        return -EBADMSG; /* <str> is a string type */
                if (strlen(f->v[1]) >= sizeof(c->text))
                        return -ENOBUFS;
                c->has_text = f->quoted[1];
                strcpy(c->text, f->v[1]);
        }
        if (f->n == 3 && field_uint(f, 2, 255, &c->dcs) < 0)
                return -EBADMSG;
        *ret = *c;
        return 0;
}
