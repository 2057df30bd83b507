/* AT tokenizer: turns the bytes a modem sends into lines, the "> " SMS
 * prompt (which has no line end) and PDU lines.  Pure: no I/O, no
 * allocation, no globals.  The caller tells it what to expect next (a PDU
 * after a +CMT:/+CDS:/+CMGR:/+CMGL: header, the prompt after AT+CMGS),
 * after oFono's gatchat (V.250 clause 5.7.1 framing: <CR><LF>text<CR><LF>).
 *
 * Framing rules, chosen to survive real modems:
 *  - CR, LF and CRLF all end a line; empty lines are skipped.
 *  - NUL bytes are dropped (counted), every other byte is kept as is.
 *  - A line longer than AT_TOKENIZER_LINE_MAX keeps its first
 *    AT_TOKENIZER_LINE_MAX bytes and is reported with AT_TOKEN_TRUNCATED
 *    when its line end arrives; memory never grows.
 *  - While expecting a PDU, the next non-empty line is reported as
 *    AT_TOKEN_PDU unless it is a final result code or does not begin
 *    with a hex digit (a URC after a header whose PDU never came): then
 *    it is a line and the expectation ends.
 *  - While expecting the prompt, "> " (or a lone ">" line) at the start of
 *    a line is reported as AT_TOKEN_PROMPT at once.
 *  - at_tokenizer_finish() reports a pending partial line (EOF) with
 *    AT_TOKEN_PARTIAL. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AT_TOKENIZER_LINE_MAX 4096

typedef enum AtTokenType {
        AT_TOKEN_LINE,
        AT_TOKEN_PDU,
        AT_TOKEN_PROMPT,
        _AT_TOKEN_TYPE_MAX,
} AtTokenType;

const char *at_token_type_to_string(AtTokenType t);

typedef enum AtTokenFlags {
        AT_TOKEN_TRUNCATED = 1 << 0, /* the line was longer than AT_TOKENIZER_LINE_MAX */
        AT_TOKEN_PARTIAL = 1 << 1,   /* no line end arrived (finish/EOF) */
} AtTokenFlags;

typedef struct AtToken {
        AtTokenType type;
        unsigned flags;   /* AtTokenFlags */
        const char *text; /* NUL-terminated, without CR/LF; valid during the callback */
        size_t len;
} AtToken;

/* Returns 0 to go on, anything else to stop feeding (the rest of the
 * buffer is dropped; used when the consumer went away). */
typedef int (*AtTokenFunc)(const AtToken *token, void *userdata);

typedef struct AtTokenizer {
        char buf[AT_TOKENIZER_LINE_MAX + 1];
        size_t len;
        bool truncated;
        bool expect_pdu;
        bool expect_prompt;
        /* Statistics, for tests and the debug trace. */
        uint64_t n_nul_dropped;
        uint64_t n_truncated;
} AtTokenizer;

void at_tokenizer_init(AtTokenizer *t);
/* Forget the current partial line and every expectation. */
void at_tokenizer_reset(AtTokenizer *t);

void at_tokenizer_expect_pdu(AtTokenizer *t, bool expect);
void at_tokenizer_expect_prompt(AtTokenizer *t, bool expect);

/* Feeds bytes; calls func for every complete token.  func may change the
 * expectations; they apply to the bytes that follow.  Returns the number of
 * bytes consumed (len unless func asked to stop). */
size_t at_tokenizer_feed(AtTokenizer *t, const void *buf, size_t len, AtTokenFunc func, void *userdata);
/* End of input: reports the pending partial line, if any, then resets. */
void at_tokenizer_finish(AtTokenizer *t, AtTokenFunc func, void *userdata);
