/* AT tokenizer; see at-tokenizer.h for the framing rules. */
#include "at/at-tokenizer.h"

#include <string.h>

#include "at/at-result.h"

static const char *const token_type_table[_AT_TOKEN_TYPE_MAX] = {
        [AT_TOKEN_LINE] = "line",
        [AT_TOKEN_PDU] = "pdu",
        [AT_TOKEN_PROMPT] = "prompt",
};

const char *at_token_type_to_string(AtTokenType t) {
        if ((unsigned)t >= _AT_TOKEN_TYPE_MAX)
                return NULL;
        return token_type_table[t];
}

void at_tokenizer_init(AtTokenizer *t) {
        memset(t, 0, sizeof(*t));
}

void at_tokenizer_reset(AtTokenizer *t) {
        t->len = 0;
        t->truncated = false;
        t->expect_pdu = false;
        t->expect_prompt = false;
        t->buf[0] = '\0';
}

void at_tokenizer_expect_pdu(AtTokenizer *t, bool expect) {
        t->expect_pdu = expect;
}

void at_tokenizer_expect_prompt(AtTokenizer *t, bool expect) {
        t->expect_prompt = expect;
}

/* A PDU line is hex (after any blanks): a line that cannot begin one
 * ("+CMTI: ...", "RING") is the modem's next line, its header's PDU never
 * came. */
static bool is_hex_digit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

/* Emits the buffered line (if not empty) and clears the buffer. */
static int emit_line(AtTokenizer *t, unsigned extra_flags, AtTokenFunc func, void *userdata) {
        AtToken tok = {.type = AT_TOKEN_LINE, .flags = extra_flags};
        int r;

        if (t->len == 0 && !t->truncated)
                return 0;

        t->buf[t->len] = '\0';
        tok.text = t->buf;
        tok.len = t->len;
        if (t->truncated) {
                tok.flags |= AT_TOKEN_TRUNCATED;
                t->n_truncated++;
        }

        if (t->expect_prompt && t->len == 1 && t->buf[0] == '>') {
                /* A prompt sent as ">" plus a line end. */
                tok.type = AT_TOKEN_PROMPT;
                t->expect_prompt = false;
        } else if (t->expect_pdu) {
                /* The line after a PDU header is the PDU, unless the modem
                 * ended the exchange instead (empty +CMGR: then OK). */
                t->expect_pdu = false;
                if (!at_result_is_final(t->buf) && is_hex_digit(t->buf[strspn(t->buf, " \t")]))
                        tok.type = AT_TOKEN_PDU;
        }

        t->len = 0;
        t->truncated = false;
        r = func(&tok, userdata);
        t->buf[0] = '\0';
        return r;
}

size_t at_tokenizer_feed(AtTokenizer *t, const void *buf, size_t len, AtTokenFunc func, void *userdata) {
        const unsigned char *p = buf;

        for (size_t i = 0; i < len; i++) {
                unsigned char c = p[i];

                if (c == '\r' || c == '\n') {
                        if (emit_line(t, 0, func, userdata) != 0)
                                return i + 1;
                        continue;
                }
                if (c == '\0') {
                        t->n_nul_dropped++;
                        continue;
                }

                if (t->len < AT_TOKENIZER_LINE_MAX)
                        t->buf[t->len++] = (char)c;
                else
                        t->truncated = true;

                if (t->expect_prompt && !t->truncated && t->len == 2 && t->buf[0] == '>' &&
                    t->buf[1] == ' ') {
                        AtToken tok = {.type = AT_TOKEN_PROMPT, .text = "> ", .len = 2};
                        t->expect_prompt = false;
                        t->len = 0;
                        t->buf[0] = '\0';
                        if (func(&tok, userdata) != 0)
                                return i + 1;
                }
        }
        return len;
}

void at_tokenizer_finish(AtTokenizer *t, AtTokenFunc func, void *userdata) {
        (void)emit_line(t, AT_TOKEN_PARTIAL, func, userdata);
        at_tokenizer_reset(t);
}
