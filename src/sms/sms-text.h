/* Text-mode helpers (3GPP TS 27.005 3.1, 3.4.3, 3.4.2; 4.1 +CMT/+CDS) for
 * modems or profiles that only do AT+CMGF=1, and for the PDU-mode headers
 * that announce a PDU line:
 *   +CMGR: <stat>,[<alpha>],<length>                      (PDU mode)
 *   +CMGL: <index>,<stat>,[<alpha>],<length>              (PDU mode)
 *   +CMT: [<alpha>],<length>       +CDS: <length>         (PDU mode)
 *   +CMGR: <stat>,<oa>,[<alpha>],<scts>[,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>]
 *   +CMGR: <stat>,<da>,[<alpha>][,<toda>,<fo>,<pid>,<dcs>,[<vp>],<sca>,<tosca>,<length>]
 *   +CMGR: <stat>,<fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st>   (status report)
 *   +CMGL: <index>,<stat>,<oa/da>,[<alpha>],[<scts>][,<tooa/toda>,<length>]
 *   +CMGL: <index>,<stat>,<fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st>
 *   +CMT: <oa>,[<alpha>],<scts>[,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>]
 *   +CDS: <fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st>
 * Fields are quote-aware (commas inside quotes, "" and empty alike); the
 * PDU/text forms are told apart by the shape of the fields (a text-mode
 * <stat> is a quoted string), never by guessing from the modem's name.
 * Time stamps "yy/MM/dd,hh:mm:ss+zz" carry the zone in quarter hours. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sms/sms-types.h"

#define SMS_TEXT_MAX_FIELDS 16
#define SMS_TEXT_ALPHA_MAX 64

typedef struct SmsTextField {
        const char *value; /* not NUL-terminated; quotes removed */
        size_t len;
        bool quoted;
} SmsTextField;

/* Splits s (the part after "+XXX:") at commas outside quotes, trimming
 * spaces around unquoted values.  -EBADMSG on an unterminated quote or
 * text after a closing quote; -E2BIG above max fields. */
int sms_text_split_fields(const char *s, size_t len, SmsTextField *fields, size_t max, size_t *ret_n);

typedef enum SmsTextKind {
        SMS_TEXT_CMGR,
        SMS_TEXT_CMGL,
        SMS_TEXT_CMT,
        SMS_TEXT_CDS,
        _SMS_TEXT_KIND_MAX,
} SmsTextKind;

/* +CSCS character sets (27.007 5.5) as they affect text-mode strings. */
typedef enum SmsCharset {
        SMS_CHARSET_IRA, /* ASCII; the default */
        SMS_CHARSET_GSM, /* bytes are GSM 7-bit default alphabet codes */
        SMS_CHARSET_UCS2, /* hex of UTF-16BE */
        SMS_CHARSET_HEX,  /* hex of the character codes (GSM) or octets */
        SMS_CHARSET_8859_1,
        SMS_CHARSET_UTF8,
        _SMS_CHARSET_MAX,
} SmsCharset;

/* "IRA", "GSM", "UCS2", "HEX", "8859-1", "UTF-8" (case-insensitive). */
int sms_charset_from_string(const char *s, SmsCharset *ret);

typedef struct SmsTextHeader {
        SmsTextKind kind;
        bool pdu_mode; /* the header announces a PDU line of <length> TPDU octets */
        int index;     /* +CMGL only, else -1 */
        int stat;      /* 0 "REC UNREAD", 1 "REC READ", 2 "STO UNSENT", 3 "STO SENT", 4 "ALL"; -1 empty */
        char alpha[SMS_TEXT_ALPHA_MAX]; /* "" when absent or empty */
        int length;                     /* <length>, -1 when absent */

        /* Text mode only. */
        SmsType type;       /* from <stat>/<fo>/the field layout */
        SmsAddress address; /* <oa>/<da>/<ra>; toa from <tooa>/<toda>/<tora>, 0 if absent */
        bool has_scts;
        SmsTime scts;
        bool has_discharge;
        SmsTime discharge; /* <dt> */
        int fo, pid, dcs, mr, st; /* -1 when absent */
        SmsStatusCategory status_category; /* when st >= 0 */
        SmsAddress sca;                     /* <sca>,<tosca>; empty when absent */
} SmsTextHeader;

/* Parses a +CMGR:/+CMGL:/+CMT:/+CDS: line (leading spaces allowed).
 * String fields are decoded from cs (UCS2 hex -> UTF-8).  -EBADMSG with a
 * reason on anything malformed; -EINVAL for an unknown prefix. */
int sms_text_parse_header(const char *line, size_t len, SmsCharset cs, SmsTextHeader *ret,
                          const char **ret_reason);

/* "yy/MM/dd,hh:mm:ss+zz" (zone optional: 0 then). -EBADMSG. */
int sms_text_parse_time(const char *s, size_t len, SmsTime *ret);

/* Decodes the line after a text-mode header to UTF-8 in out (NUL-
 * terminated).  27.005 3.1: when <dcs> says UCS2 or 8-bit the body is hex
 * of the user data whatever +CSCS says (field case C07); otherwise it is
 * in the +CSCS character set.  h may be NULL (no <dcs> known).
 * -EBADMSG: not valid for the character set; -EMEDIUMTYPE: 8-bit data;
 * -EOPNOTSUPP: a user-data header in a 7-bit text-mode body (use PDU
 * mode); -ENOBUFS. */
int sms_text_decode_body(const SmsTextHeader *h, SmsCharset cs, const char *body, size_t len, char *out,
                         size_t size, size_t *ret_len);

/* Decodes a string in character set cs to UTF-8 (used for <oa>, <alpha>
 * and bodies).  -EBADMSG, -ENOBUFS. */
int sms_text_decode_string(SmsCharset cs, const char *s, size_t len, char *out, size_t size, size_t *ret_len);

const char *sms_text_kind_to_string(SmsTextKind k);
const char *sms_charset_to_string(SmsCharset c);
