/* AT result parsing, pure: the table of final result codes (V.250 5.7.2,
 * 3GPP TS 27.007 9.2 +CME ERROR, TS 27.005 3.2.5 +CMS ERROR) and the
 * response parsers the services share (27.007 / 27.005 information lines).
 *
 * Every parser takes one line as the modem sent it (prefix included, CR/LF
 * removed), fills its ret_* only on success and never guesses:
 *   -EINVAL   the line is not of this kind (wrong prefix, NULL)
 *   -EBADMSG  right prefix, malformed or out-of-range content
 *   -ENOBUFS  a string field does not fit its buffer */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "at/at-chat.h"

/* ---- final results ---------------------------------------------------- */

/* True when line (surrounding white space ignored) is a final result code.
 * On true, *ret_final and *ret_code (the +CME/+CMS number, -1 if none or
 * an unknown text) are set when not NULL.  A line that merely contains
 * "OK" is not final. */
bool at_result_parse_final(const char *line, AtFinal *ret_final, int *ret_code);
static inline bool at_result_is_final(const char *line) {
        return at_result_parse_final(line, NULL, NULL);
}
/* Numeric code for a textual +CME ERROR (verbose mode, AT+CMEE=2), e.g.
 * "SIM PIN required" -> 11 (27.007 9.2.1); -1 when unknown. */
int at_result_cme_text_to_code(const char *text);

/* ---- field splitting -------------------------------------------------- */

#define AT_FIELDS_MAX 32

typedef struct AtFields {
        size_t n;
        const char *v[AT_FIELDS_MAX]; /* field text, quotes removed, spaces trimmed */
        bool quoted[AT_FIELDS_MAX];
        char buf[4100];
} AtFields;

/* If line starts with prefix (e.g. "+CSQ:"), returns the text after it with
 * leading spaces skipped, else NULL. */
const char *at_result_after_prefix(const char *line, const char *prefix);

/* Splits a comma-separated field list.  Quoted strings may contain commas;
 * spaces around commas are ignored; "(..)" groups stay one field; empty
 * fields are kept ("2,1,,"); "" yields zero fields.  -EBADMSG on an
 * unterminated quote or text after a closing quote, -E2BIG over
 * AT_FIELDS_MAX fields, -ENOBUFS when the text is too long. */
int at_result_split_fields(const char *text, AtFields *ret);

/* ---- +CSQ (27.007 8.5) ------------------------------------------------ */

typedef struct AtCsq {
        unsigned rssi;    /* 0..31, 99 = unknown */
        unsigned ber;     /* 0..7, 99 = unknown */
        unsigned percent; /* 0..100, 0 when unknown */
} AtCsq;

int at_parse_csq(const char *line, AtCsq *ret);
/* rssi 0..31 -> linear percent; 99 -> 0; anything else -EINVAL. */
int at_csq_rssi_to_percent(unsigned rssi, unsigned *ret_percent);

/* ---- +CREG / +CGREG / +CEREG / +C5GREG (27.007 7.2, 10.1.20, 10.1.22) - */

typedef enum AtRegFamily {
        AT_REG_CREG,
        AT_REG_CGREG,
        AT_REG_CEREG,
        AT_REG_C5GREG,
        _AT_REG_FAMILY_MAX,
} AtRegFamily;

typedef enum AtRegForm {
        AT_REG_FORM_AUTO,  /* decide by shape: 1 field or a quoted 2nd field = URC */
        AT_REG_FORM_QUERY, /* reply to AT+CREG?: <n>,<stat>[,...] */
        AT_REG_FORM_URC,   /* unsolicited: <stat>[,...] */
} AtRegForm;

typedef struct AtRegistration {
        AtRegFamily family;
        bool solicited; /* parsed as a query reply (n present) */
        int n;          /* -1 in URCs */
        int stat;       /* 0..11 */
        bool has_lac;
        uint32_t lac; /* LAC or TAC */
        bool has_ci;
        uint64_t ci;
        int act; /* -1 when absent */
} AtRegistration;

int at_parse_creg(const char *line, AtRegForm form, AtRegistration *ret);
const char *at_reg_family_to_string(AtRegFamily f);
/* 27.007 <stat> -> "idle", "home", "searching", "denied", "unknown",
 * "roaming" (the Modem.Registration values; SMS-only/CSFB-not-preferred
 * map to home/roaming, emergency-only to denied). */
const char *at_reg_stat_to_registration(int stat);

/* ---- +COPS (27.007 7.3) ----------------------------------------------- */

#define AT_OPERATOR_MAX 64

typedef struct AtCops {
        int mode;                   /* 0..4 */
        int format;                 /* -1 when absent, 0 long alnum, 1 short alnum, 2 numeric */
        char oper[AT_OPERATOR_MAX]; /* "" when absent */
        int act;                    /* -1 when absent */
} AtCops;

int at_parse_cops(const char *line, AtCops *ret);

/* ---- +CPIN (27.007 8.3) ----------------------------------------------- */

typedef enum AtPinState {
        AT_PIN_READY,
        AT_PIN_SIM_PIN,
        AT_PIN_SIM_PUK,
        AT_PIN_SIM_PIN2,
        AT_PIN_SIM_PUK2,
        AT_PIN_PH_SIM_PIN,
        AT_PIN_PH_FSIM_PIN,
        AT_PIN_PH_FSIM_PUK,
        AT_PIN_PH_NET_PIN,
        AT_PIN_PH_NET_PUK,
        AT_PIN_PH_NETSUB_PIN,
        AT_PIN_PH_NETSUB_PUK,
        AT_PIN_PH_SP_PIN,
        AT_PIN_PH_SP_PUK,
        AT_PIN_PH_CORP_PIN,
        AT_PIN_PH_CORP_PUK,
        AT_PIN_NOT_INSERTED, /* vendor: "+CPIN: NOT INSERTED" (SIMCom, Quectel) */
        AT_PIN_NOT_READY,    /* vendor: "+CPIN: NOT READY" */
        _AT_PIN_STATE_MAX,
} AtPinState;

int at_parse_cpin(const char *line, AtPinState *ret);
/* The 27.007 code ("SIM PIN"), NOT_INSERTED -> "NOT INSERTED". */
const char *at_pin_state_to_string(AtPinState s);

/* ---- +CMTI / +CDSI (27.005 3.4.1) ------------------------------------- */

typedef struct AtMessageIndication {
        char mem[4]; /* "SM", "ME", "MT", "SR", "BM" ... */
        unsigned index;
} AtMessageIndication;

/* Accepts +CMTI: and +CDSI: lines. */
int at_parse_cmti(const char *line, AtMessageIndication *ret);

/* ---- +CMGS (27.005 3.5.1) --------------------------------------------- */

/* "+CMGS: <mr>[,<scts|ackpdu>]" -> mr 0..255. */
int at_parse_cmgs(const char *line, unsigned *ret_mr);

/* ---- +CUSD (27.007 7.15) ---------------------------------------------- */

#define AT_CUSD_TEXT_MAX 1024

typedef struct AtCusd {
        int m; /* 0..5 */
        bool has_text;
        char text[AT_CUSD_TEXT_MAX]; /* raw <str> as sent (maybe hex) */
        int dcs;                     /* -1 when absent */
} AtCusd;

int at_parse_cusd(const char *line, AtCusd *ret);
