/* Multipart SMS reassembly: validation, group identity, duplicate/conflict
 * test and the join (3GPP TS 23.040 9.2.3.24.1 / 9.2.3.24.8).  See
 * reassembly.h for the UTF-16 join rule (field case C04). */
#include "reassembly/reassembly.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/sms-ucs2.h"
#include "util/strutil.h"

static const char *const encoding_table[_REASSEMBLY_ENCODING_MAX] = {
        [REASSEMBLY_ENCODING_GSM7] = "gsm7",
        [REASSEMBLY_ENCODING_UCS2] = "ucs2",
        [REASSEMBLY_ENCODING_8BIT] = "8bit",
};

const char *reassembly_encoding_to_string(ReassemblyEncoding e) {
        if (e < 0 || e >= _REASSEMBLY_ENCODING_MAX)
                return NULL;
        return encoding_table[e];
}

ReassemblyEncoding reassembly_encoding_from_string(const char *s) {
        if (!s)
                return _REASSEMBLY_ENCODING_INVALID;
        for (int i = 0; i < _REASSEMBLY_ENCODING_MAX; i++)
                if (streq(encoding_table[i], s))
                        return (ReassemblyEncoding)i;
        return _REASSEMBLY_ENCODING_INVALID;
}

static bool is_hex_string(const char *s) {
        size_t n = 0;
        for (; s[n]; n++)
                if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
                      (s[n] >= 'A' && s[n] <= 'F')))
                        return false;
        return n > 0 && n % 2 == 0;
}

int reassembly_part_validate(const ReassemblyPart *p) {
        if (!p || !p->modem_key || !*p->modem_key || !p->sender || !*p->sender)
                return -EINVAL;
        if (p->ref_bits != 0 && p->ref_bits != 8 && p->ref_bits != 16)
                return -EINVAL;
        if (p->ref_bits == 0 && (p->total != 1 || p->ref != 0))
                return -EINVAL;
        if (p->ref_bits == 8 && p->ref > 0xFF)
                return -EINVAL;
        if (p->total < 1 || p->seq < 1 || p->seq > p->total)
                return -EINVAL;
        if (p->encoding < 0 || p->encoding >= _REASSEMBLY_ENCODING_MAX)
                return -EINVAL;
        if (p->msg_class < -1 || p->msg_class > 3)
                return -EINVAL;
        if (!p->pdu_hex || !is_hex_string(p->pdu_hex))
                return -EINVAL;
        if (!utf8_is_valid(p->sender, strlen(p->sender)))
                return -EINVAL;
        if (p->decode_failed)
                return 0;
        if (!p->text || !utf8_is_valid(p->text, strlen(p->text)))
                return -EINVAL;
        if (p->ud_size % 2 != 0 || (p->ud_size > 0 && !p->ud))
                return -EINVAL;
        return 0;
}

bool reassembly_same_group(const ReassemblyPart *a, const ReassemblyPart *b) {
        return streq(a->modem_key, b->modem_key) && streq(a->sender, b->sender) && a->ref == b->ref &&
               a->ref_bits == b->ref_bits && a->total == b->total;
}

static bool hex_equal_nocase(const char *a, const char *b) {
        size_t n = strlen(a);
        if (n != strlen(b))
                return false;
        for (size_t i = 0; i < n; i++) {
                char x = a[i], y = b[i];
                if (x >= 'a' && x <= 'f')
                        x = (char)(x - 'a' + 'A');
                if (y >= 'a' && y <= 'f')
                        y = (char)(y - 'a' + 'A');
                if (x != y)
                        return false;
        }
        return true;
}

bool reassembly_same_content(const ReassemblyPart *a, const ReassemblyPart *b) {
        if (a->seq != b->seq)
                return false;
        if (a->decode_failed || b->decode_failed)
                return a->decode_failed && b->decode_failed && hex_equal_nocase(a->pdu_hex, b->pdu_hex);
        if (a->encoding != b->encoding)
                return false;
        if (a->ud_size > 0 && b->ud_size > 0)
                return a->ud_size == b->ud_size && memcmp(a->ud, b->ud, a->ud_size) == 0;
        return streq(a->text, b->text);
}

/* A growable string. */
typedef struct Buf {
        char *data;
        size_t len, cap;
} Buf;

static int buf_append(Buf *b, const char *s, size_t n) {
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                while (cap < b->len + n + 1)
                        cap *= 2;
                char *d = realloc(b->data, cap);
                if (!d)
                        return -ENOMEM;
                b->data = d;
                b->cap = cap;
        }
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
}

/* The codec's UTF-16 decoder (lone surrogates, U+0000 and noncharacters
 * become U+FFFD); an odd trailing octet is ignored. */
static int utf16be_append(Buf *b, const uint8_t *in, size_t size) {
        size_t units = size / 2, len = 0;
        char *out;
        int r;

        /* At most 3 UTF-8 bytes per unit (a pair: 4 for 2 units). */
        out = malloc(units * 3 + 1);
        if (!out)
                return -ENOMEM;
        r = sms_ucs2_to_utf8(in, units * 2, out, units * 3 + 1, &len);
        if (r >= 0)
                r = buf_append(b, out, len);
        free(out);
        return r;
}

int reassembly_utf16be_to_utf8(const uint8_t *in, size_t size, char **ret) {
        Buf b = {};
        int r = buf_append(&b, "", 0);
        if (r >= 0)
                r = utf16be_append(&b, in, size);
        if (r < 0) {
                free(b.data);
                return r;
        }
        *ret = b.data;
        return 0;
}

/* Pending UTF-16 units of consecutive UCS-2 pieces, decoded on flush. */
typedef struct Units {
        uint8_t *data;
        size_t len, cap;
} Units;

static int units_append(Units *u, const uint8_t *d, size_t n) {
        if (u->len + n > u->cap) {
                size_t cap = u->cap ? u->cap : 256;
                while (cap < u->len + n)
                        cap *= 2;
                uint8_t *p = realloc(u->data, cap);
                if (!p)
                        return -ENOMEM;
                u->data = p;
                u->cap = cap;
        }
        memcpy(u->data + u->len, d, n);
        u->len += n;
        return 0;
}

static int units_flush(Units *u, Buf *b) {
        int r = utf16be_append(b, u->data, u->len);
        u->len = 0;
        return r;
}

int reassembly_join(const ReassemblyPiece *pieces, size_t n, unsigned total, char **ret_text,
                    unsigned *ret_received) {
        const ReassemblyPiece *by_seq[REASSEMBLY_MAX_PARTS + 1] = {};
        unsigned received = 0;
        Buf b = {};
        Units u = {};
        int r;

        if (total < 1 || total > REASSEMBLY_MAX_PARTS || (n > 0 && !pieces))
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (pieces[i].seq < 1 || pieces[i].seq > total)
                        return -EINVAL;
                if (!by_seq[pieces[i].seq]) {
                        by_seq[pieces[i].seq] = &pieces[i];
                        received++;
                }
        }

        r = buf_append(&b, "", 0);
        for (unsigned seq = 1; r >= 0 && seq <= total; seq++) {
                const ReassemblyPiece *p = by_seq[seq];
                char marker[64];

                if (p && !p->text && !p->ud) {
                        r = units_flush(&u, &b);
                        if (r < 0)
                                break;
                        if (total == 1)
                                snprintf(marker, sizeof marker, "[undecodable]");
                        else
                                snprintf(marker, sizeof marker, "[part %u of %u undecodable]", seq, total);
                        r = buf_append(&b, marker, strlen(marker));
                } else if (p && p->encoding == REASSEMBLY_ENCODING_UCS2 && p->ud) {
                        r = units_append(&u, p->ud, p->ud_size);
                } else if (p) {
                        r = units_flush(&u, &b);
                        if (r >= 0)
                                r = buf_append(&b, p->text, strlen(p->text));
                } else {
                        r = units_flush(&u, &b);
                        if (r < 0)
                                break;
                        snprintf(marker, sizeof marker, "[part %u of %u missing]", seq, total);
                        r = buf_append(&b, marker, strlen(marker));
                }
        }
        if (r >= 0)
                r = units_flush(&u, &b);
        free(u.data);
        if (r < 0) {
                free(b.data);
                return r;
        }
        *ret_text = b.data;
        if (ret_received)
                *ret_received = received;
        return 0;
}
