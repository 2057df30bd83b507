/* Multipart SMS reassembly, as pure functions over a group's parts.
 *
 * A concatenated SMS (3GPP TS 23.040 9.2.3.24.1 with an 8-bit reference,
 * 9.2.3.24.8 with a 16-bit one) is keyed by modem + sender + reference +
 * total + reference width: 8- and 16-bit groups never mix, even with the
 * same number.  Parts come in any order and are joined by their sequence
 * number, never by arrival or by SCTS (field case C02).
 *
 * UCS-2 parts are joined at the UTF-16 level: a sender may split a surrogate
 * pair between two parts (field case C04), so the caller hands in the raw
 * user data (UTF-16BE code units after the UDH) of every UCS-2 part and the
 * join concatenates consecutive UCS-2 parts' units before decoding them.
 * GSM 7-bit and 8-bit parts are joined as their decoded UTF-8 text.
 *
 * Glue from the codec (src/sms/sms-pdu.h SmsPart): sender = address.number,
 * ref/ref_bits/total/seq = udh.concat (ref_bits 0, total 1, seq 1 without
 * one), text = text, ud/ud_size = payload/payload_len for UCS-2 (leave them
 * empty for GSM 7-bit), timestamp = scts in µs, smsc = smsc.number,
 * pdu_hex = the line read from the modem.  -EOPNOTSUPP/-EBADMSG from the
 * decoder: decode_failed = true, decode_error = the reason, and store it
 * anyway (the raw PDU is kept).
 *
 * No I/O, no clock, no globals: the store is the source of truth for
 * pending groups and calls these inside the transaction that stores a part,
 * so a crash never leaves half a decision. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REASSEMBLY_MAX_PARTS 255

typedef enum ReassemblyEncoding {
        REASSEMBLY_ENCODING_GSM7,
        REASSEMBLY_ENCODING_UCS2,
        REASSEMBLY_ENCODING_8BIT,
        _REASSEMBLY_ENCODING_MAX,
        _REASSEMBLY_ENCODING_INVALID = -1,
} ReassemblyEncoding;

const char *reassembly_encoding_to_string(ReassemblyEncoding e);
ReassemblyEncoding reassembly_encoding_from_string(const char *s);

/* One received SMS-DELIVER part, as the SMS service decoded it.  Strings are
 * borrowed.  A message without a concatenation header is ref_bits 0,
 * total 1, seq 1. */
typedef struct ReassemblyPart {
        const char *modem_key;  /* SHA-256 hex of the IMEI, computed by the caller */
        const char *sender;     /* originating address as decoded: "+15555550123", "InfoSvc" */
        uint16_t ref;           /* concatenation reference (0..255 for 8-bit) */
        uint8_t ref_bits;       /* 0 (not concatenated), 8 or 16 */
        uint8_t total;          /* 1..255 */
        uint8_t seq;            /* 1..total */
        ReassemblyEncoding encoding;
        const char *text;       /* this part's decoded UTF-8 text; NULL when decode_failed */
        const uint8_t *ud;      /* UCS-2 only: raw UTF-16BE user data after the UDH */
        size_t ud_size;         /* even */
        const char *pdu_hex;    /* the raw PDU as read from the modem (kept, fingerprinted) */
        uint64_t timestamp;     /* SCTS, µs since the epoch (0 unknown) */
        const char *smsc;       /* may be NULL */
        int msg_class;          /* 0..3, -1 none */
        const char *storage;    /* "SM", "ME", ... NULL for a +CMT delivery */
        int index;              /* slot in storage, -1 for +CMT */
        bool decode_failed;
        const char *decode_error; /* short reason, no personal data; NULL if none */
} ReassemblyPart;

/* Checks what the store and the join rely on: non-empty modem key and
 * sender, ref_bits 0/8/16 (0 only with total 1), ref within its width,
 * 1 <= seq <= total, valid UTF-8 text (or decode_failed), an even ud_size,
 * a non-empty hex PDU.  Returns 0 or -EINVAL. */
int reassembly_part_validate(const ReassemblyPart *p);

/* True when a and b belong to the same group (modem, sender, ref, width,
 * total). */
bool reassembly_same_group(const ReassemblyPart *a, const ReassemblyPart *b);

/* True when two parts with the same sequence number carry the same content
 * (encoding + UTF-16 units, or text; the raw PDU when either failed to
 * decode).  Different SCTS or SMSC do not make a conflict: the network may
 * deliver the same part twice. */
bool reassembly_same_content(const ReassemblyPart *a, const ReassemblyPart *b);

/* The minimal per-part content the join needs; the store rebuilds it from
 * its rows. */
typedef struct ReassemblyPiece {
        uint8_t seq;
        ReassemblyEncoding encoding;
        const char *text;       /* NULL when the part could not be decoded */
        const uint8_t *ud;      /* UCS-2 raw units, or NULL to use text */
        size_t ud_size;
} ReassemblyPiece;

static inline ReassemblyPiece reassembly_piece_from_part(const ReassemblyPart *p) {
        return (ReassemblyPiece){
                .seq = p->seq,
                .encoding = p->encoding,
                .text = p->decode_failed ? NULL : p->text,
                .ud = p->decode_failed ? NULL : p->ud,
                .ud_size = p->decode_failed ? 0 : p->ud_size,
        };
}

/* Joins pieces (any order; the first piece with a given seq wins) of a
 * message of `total` parts into one malloc()ed UTF-8 string.  Runs of
 * consecutive UCS-2 pieces with raw units are concatenated and decoded as
 * UTF-16BE (a lone surrogate left at the end becomes U+FFFD).  A missing
 * sequence number becomes "[part N of M missing]", an undecodable piece
 * "[part N of M undecodable]" (for a single-part message: "[undecodable]").
 * *ret_received gets the number of distinct sequence numbers present.
 * Returns 0, -EINVAL (total 0, seq out of range), -ENOMEM. */
int reassembly_join(const ReassemblyPiece *pieces, size_t n, unsigned total, char **ret_text,
                    unsigned *ret_received);

/* Decodes UTF-16BE to a malloc()ed NUL-terminated UTF-8 string; unpaired
 * surrogates become U+FFFD, an odd trailing byte is dropped, U+0000 becomes
 * U+FFFD (the result is a C string).  Returns 0, -ENOMEM. */
int reassembly_utf16be_to_utf8(const uint8_t *in, size_t size, char **ret);
