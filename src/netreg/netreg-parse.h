/* Parsers for the network-registration replies of 3GPP TS 27.007:
 * +CSQ (8.5), +CREG/+CGREG/+CEREG (7.2, 10.1.19, 10.1.22) and +COPS (7.3).
 * Pure: no I/O, no allocation except the operator name handed back.
 * Replies come from the modem and are untrusted: anything that is not
 * exactly the documented shape is -EBADMSG, never a guess. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum NetRegFamily {
        NETREG_FAMILY_CREG,  /* circuit switched (GSM/UMTS) */
        NETREG_FAMILY_CGREG, /* GPRS */
        NETREG_FAMILY_CEREG, /* EPS (LTE) */
        _NETREG_FAMILY_MAX,
} NetRegFamily;

const char *netreg_family_to_string(NetRegFamily f);

/* "+CSQ: <rssi>,<ber>" (spaces around commas allowed).  rssi 0..31 or 99,
 * ber 0..7 or 99. */
int netreg_parse_csq(const char *line, unsigned *ret_rssi, unsigned *ret_ber);

/* 27.007 8.5: rssi 0 (-113 dBm) .. 31 (>= -51 dBm) scaled to 0..100;
 * 99 (not known) and anything out of range -> 0. */
uint32_t netreg_csq_to_percent(unsigned rssi);

/* A +CREG:/+CGREG:/+CEREG: line.  solicited: the line answers a pending
 * "?" query, so its first field is <n> and the second <stat>; otherwise it
 * is a URC whose first field is <stat> (field case C31: never take the
 * last integer as <stat>).  Optional <lac>/<ci> (quoted hex, may be empty)
 * and <AcT> follow.  Returns the family from the prefix. */
int netreg_parse_creg(const char *line, bool solicited, NetRegFamily *ret_family, int *ret_stat);

/* "+COPS: <mode>[,<format>,<oper>[,<AcT>]]".  *ret_name is a malloc()ed
 * operator name ("" when the modem reports no operator). */
int netreg_parse_cops(const char *line, char **ret_name);

/* Splits the part after "<prefix>:" into at most max fields on commas that
 * are not inside double quotes; surrounding spaces trimmed, quotes kept.
 * Each field is [start, start+len) of line.  Returns the number of fields
 * or -EBADMSG (unterminated quote, too many fields). */
typedef struct NetRegField {
        const char *start;
        size_t len;
} NetRegField;
int netreg_split_fields(const char *s, NetRegField *fields, size_t max);
