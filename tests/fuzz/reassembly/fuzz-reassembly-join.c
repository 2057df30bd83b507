/* libFuzzer target for the multipart join: arbitrary pieces (sequence
 * numbers, encodings, UTF-16 units from the air, texts) must never crash,
 * and when every text is valid UTF-8 the joined text must be too (lone
 * surrogates become U+FFFD, U+0000 never truncates).
 * Input: total, then pieces of [seq, encoding, length, bytes...]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reassembly/reassembly.h"
#include "util/strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        ReassemblyPiece pieces[64];
        char *texts[64] = {};
        size_t n = 0, i = 1;
        bool texts_valid = true;
        unsigned total, received = 0;
        char *out = NULL;

        if (size < 1)
                return 0;
        total = data[0];
        while (i + 3 <= size && n < 64) {
                uint8_t seq = data[i], enc = data[i + 1] % 4;
                size_t len = data[i + 2];
                const uint8_t *b = data + i + 3;

                if (len > size - i - 3)
                        len = size - i - 3;
                i += 3 + len;
                pieces[n] = (ReassemblyPiece){.seq = seq};
                if (enc == 3) { /* undecodable */
                        pieces[n].encoding = REASSEMBLY_ENCODING_8BIT;
                } else if (enc == REASSEMBLY_ENCODING_UCS2) {
                        pieces[n].encoding = REASSEMBLY_ENCODING_UCS2;
                        pieces[n].text = "";
                        pieces[n].ud = b;
                        pieces[n].ud_size = len & ~(size_t)1;
                } else {
                        texts[n] = malloc(len + 1);
                        if (!texts[n])
                                goto out;
                        memcpy(texts[n], b, len);
                        texts[n][len] = '\0';
                        texts_valid = texts_valid && utf8_is_valid(texts[n], strlen(texts[n]));
                        pieces[n].encoding = (ReassemblyEncoding)enc;
                        pieces[n].text = texts[n];
                }
                n++;
        }

        if (reassembly_join(pieces, n, total, &out, &received) == 0) {
                if (received > total)
                        abort();
                if (texts_valid && !utf8_is_valid(out, strlen(out)))
                        abort();
                free(out);
        }
        if (size > 1 && reassembly_utf16be_to_utf8(data + 1, size - 1, &out) == 0) {
                if (!utf8_is_valid(out, strlen(out)))
                        abort();
                free(out);
        }
out:
        for (size_t k = 0; k < n; k++)
                free(texts[k]);
        return 0;
}
