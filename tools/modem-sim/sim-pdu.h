/* The simulator's own SMS PDU codec, written apart from src/sms so that it
 * can be the oracle that checks it: decodes what the host sends
 * (SMS-SUBMIT, SMS-COMMAND) and what the network delivers (SMS-DELIVER,
 * SMS-STATUS-REPORT), and encodes SMS-DELIVER, SMS-STATUS-REPORT and
 * SMS-SUBMIT.  3GPP TS 23.040 9.2 (TPDU layouts), 9.1.2.5 (addresses),
 * 9.2.3.11 (SCTS), 9.2.3.24 (UDH, concatenation IEs 0x00/0x08); 3GPP TS
 * 23.038 4 (DCS) and 6.2 (GSM 7-bit default alphabet and extension table),
 * UCS2 taken as UTF-16BE. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum SimAlphabet {
        SIM_ALPHABET_GSM7 = 0,
        SIM_ALPHABET_8BIT = 1,
        SIM_ALPHABET_UCS2 = 2,
} SimAlphabet;

typedef enum SimPduType {
        SIM_PDU_DELIVER,
        SIM_PDU_SUBMIT,
        SIM_PDU_STATUS_REPORT,
        SIM_PDU_COMMAND,
} SimPduType;

#define SIM_TEXT_MAX 1024

typedef struct SimPdu {
        SimPduType type;
        char smsc[24];   /* "+15555550100", "" when absent or empty */
        uint8_t fo;      /* first octet */
        uint8_t mr;      /* SUBMIT, STATUS-REPORT, COMMAND */
        char number[48]; /* OA / DA / RA: "+digits", "digits", or UTF-8 for alphanumeric */
        uint8_t toa;
        bool alphanumeric;
        uint8_t pid, dcs;
        SimAlphabet alphabet;
        int msg_class; /* 0..3, -1 none */
        uint8_t vpf;   /* SUBMIT: 0 none, 2 relative, 1 enhanced, 3 absolute */
        uint8_t vp[7];
        char scts[32]; /* 27.005 text form "yy/MM/dd,hh:mm:ss+zz" */
        char dt[32];   /* STATUS-REPORT discharge time */
        uint8_t st;    /* STATUS-REPORT TP-ST */
        bool srr;      /* SUBMIT: status report requested; DELIVER: TP-SRI */
        bool udhi;
        bool has_concat;
        unsigned concat_ref, concat_bits, concat_total, concat_seq;
        uint8_t udh[140];
        size_t udh_len;  /* IEs without the UDHL octet */
        uint8_t ud[160]; /* payload after the header: septets (GSM7) or octets */
        size_t ud_len;
        char text[SIM_TEXT_MAX]; /* UTF-8 of ud (8-bit data: upper-case hex) */
        size_t text_len;
} SimPdu;

/* hex: the PDU in hex.  has_smsc: it starts with the SMSC field (as in
 * +CMGS/+CMGL/+CMGR/+CMT/+CDS).  from_ms: the direction (MS->SC gives
 * SUBMIT/COMMAND, SC->MS gives DELIVER/STATUS-REPORT).  -EBADMSG on
 * malformed or truncated input, -EINVAL on bad hex. */
int sim_pdu_decode(const char *hex, bool has_smsc, bool from_ms, SimPdu *ret);

/* GSM 7-bit default alphabet.  Returns the number of septets (1 or 2) for
 * code point cp, -EINVAL when it has none. */
int sim_gsm7_encode_char(uint32_t cp, uint8_t out[2]);
/* UTF-8 -> septets (escapes included); -EINVAL when a character is not in
 * the alphabet or the text is not UTF-8; -ENOBUFS. */
int sim_gsm7_from_utf8(const char *s, size_t len, uint8_t *out, size_t size, size_t *ret_n);
/* septets -> UTF-8 (23.038: ESC + undefined code shows the main table). */
int sim_gsm7_to_utf8(const uint8_t *septets, size_t n, char *out, size_t size, size_t *ret_len);
/* Packs n septets into octets (23.038 6.1.2.1.1); returns the octet count. */
size_t sim_gsm7_pack(const uint8_t *septets, size_t n, uint8_t *out, size_t size);
/* Unpacks as many whole septets as octets hold; returns the septet count. */
size_t sim_gsm7_unpack(const uint8_t *in, size_t octets, uint8_t *out, size_t size);

/* UTF-8 -> UTF-16BE octets. */
int sim_ucs2_from_utf8(const char *s, size_t len, uint8_t *out, size_t size, size_t *ret_n);
/* UTF-16BE -> UTF-8; a lone surrogate becomes U+FFFD. */
int sim_ucs2_to_utf8(const uint8_t *in, size_t n, char *out, size_t size, size_t *ret_len);

typedef struct SimDeliverSpec {
        const char *smsc;   /* NULL or "" for the 00 SMSC field */
        const char *sender; /* digits (with optional '+') or alphanumeric */
        SimAlphabet alphabet;
        const uint8_t *ud; /* septets (GSM7) or octets */
        size_t ud_len;
        bool concat;
        unsigned ref, ref_bits, total, seq;
        int64_t time; /* SCTS, seconds since the epoch (UTC, zone +00) */
        uint8_t pid;
        int msg_class; /* -1 none */
} SimDeliverSpec;

/* Writes the upper-case hex PDU (with SMSC field) into out.  Returns the
 * TPDU length in octets, -EINVAL, -EMSGSIZE when the user data is too long. */
int sim_pdu_encode_deliver(const SimDeliverSpec *spec, char *out, size_t size);

/* SMS-SUBMIT with user data as above (used to record text-mode sends). */
int sim_pdu_encode_submit(const char *smsc, const char *number, uint8_t mr, bool srr, SimAlphabet alphabet,
                          const uint8_t *ud, size_t ud_len, char *out, size_t size);

/* SMS-STATUS-REPORT for message mr to recipient (an address as decoded by
 * sim_pdu_decode, with its toa) with status st. */
int sim_pdu_encode_status_report(const char *smsc, uint8_t mr, const char *recipient, uint8_t toa,
                                 int64_t scts, int64_t dt, uint8_t st, char *out, size_t size);
