/* User-data header information elements (3GPP TS 23.040 9.2.3.24.1,
 * 9.2.3.24.4, 9.2.3.24.8).  See sms-udh.h. */
#include "sms/sms-udh.h"

#include <errno.h>

#define BAD(reason)                                                                                \
        do {                                                                                       \
                if (ret_reason)                                                                    \
                        *ret_reason = (reason);                                                    \
                return -EBADMSG;                                                                   \
        } while (0)

int sms_udh_parse(const uint8_t *udh, size_t len, SmsUdh *ret, const char **ret_reason) {
        SmsUdh h = {
                .national_single_shift = -1,
                .national_locking_shift = -1,
        };

        for (size_t i = 0; i < len;) {
                if (len - i < 2)
                        BAD("user data header: truncated information element");
                uint8_t iei = udh[i], iel = udh[i + 1];
                const uint8_t *v = udh + i + 2;
                if (iel > len - i - 2)
                        BAD("user data header: information element longer than the header");

                switch (iei) {
                case SMS_UDH_IEI_CONCAT_8:
                case SMS_UDH_IEI_CONCAT_16: {
                        bool wide = iei == SMS_UDH_IEI_CONCAT_16;
                        if (iel != (wide ? 4 : 3))
                                BAD("user data header: concatenation element of wrong length");
                        SmsConcat c = {
                                .present = true,
                                .ref_bits = wide ? 16 : 8,
                                .ref = wide ? (uint16_t)(v[0] << 8 | v[1]) : v[0],
                                .total = v[wide ? 2 : 1],
                                .seq = v[wide ? 3 : 2],
                        };
                        if (c.total == 0)
                                BAD("user data header: concatenation total is 0");
                        if (c.seq == 0)
                                BAD("user data header: concatenation sequence is 0");
                        if (c.seq > c.total)
                                BAD("user data header: concatenation sequence beyond total");
                        h.concat = c;
                        break;
                }
                case SMS_UDH_IEI_PORT_8:
                        if (iel != 2)
                                BAD("user data header: 8-bit port element of wrong length");
                        h.ports = (SmsPorts){.present = true, .bits = 8, .dst = v[0], .src = v[1]};
                        break;
                case SMS_UDH_IEI_PORT_16:
                        if (iel != 4)
                                BAD("user data header: 16-bit port element of wrong length");
                        h.ports = (SmsPorts){
                                .present = true,
                                .bits = 16,
                                .dst = (uint16_t)(v[0] << 8 | v[1]),
                                .src = (uint16_t)(v[2] << 8 | v[3]),
                        };
                        break;
                case SMS_UDH_IEI_NATIONAL_SINGLE_SHIFT:
                case SMS_UDH_IEI_NATIONAL_LOCKING_SHIFT:
                        if (iel != 1)
                                BAD("user data header: national language element of wrong length");
                        if (iei == SMS_UDH_IEI_NATIONAL_SINGLE_SHIFT)
                                h.national_single_shift = v[0];
                        else
                                h.national_locking_shift = v[0];
                        break;
                default:
                        break; /* unknown or irrelevant here: skipped */
                }
                h.n_ies++;
                i += 2 + (size_t)iel;
        }
        *ret = h;
        return 0;
}

int sms_udh_write_concat(const SmsConcat *c, uint8_t *out, size_t size, size_t *ret_len) {
        if (!c || (c->ref_bits != 8 && c->ref_bits != 16) || c->total == 0 || c->seq == 0 ||
            c->seq > c->total || (c->ref_bits == 8 && c->ref > 0xFF))
                return -EINVAL;
        size_t n = c->ref_bits == 8 ? SMS_UDH_CONCAT_8_LEN : SMS_UDH_CONCAT_16_LEN;
        if (size < n)
                return -ENOBUFS;
        size_t o = 0;
        out[o++] = (uint8_t)(n - 1);
        if (c->ref_bits == 8) {
                out[o++] = SMS_UDH_IEI_CONCAT_8;
                out[o++] = 3;
                out[o++] = (uint8_t)c->ref;
        } else {
                out[o++] = SMS_UDH_IEI_CONCAT_16;
                out[o++] = 4;
                out[o++] = (uint8_t)(c->ref >> 8);
                out[o++] = (uint8_t)c->ref;
        }
        out[o++] = c->total;
        out[o++] = c->seq;
        *ret_len = o;
        return 0;
}
