/* Fuzz target "at-parser": bytes from a modem go through the tokenizer
 * (expectations toggled by the first byte), every token through the final
 * result table, every field parser and the trace redaction, and the whole
 * input through a chat with commands in flight, URC handlers (one of them
 * two-line), an SMS prompt, timeouts and a hang-up. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-chat.h"
#include "at/at-result.h"
#include "at/at-tokenizer.h"
#include "at/at-trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_all(const char *line) {
        AtFinal f;
        int code;
        AtCsq csq;
        AtRegistration reg;
        AtCops cops;
        AtPinState pin;
        AtMessageIndication mi;
        unsigned mr;
        static AtCusd cusd;
        static AtFields fields;
        char buf[512];

        (void)at_result_parse_final(line, &f, &code);
        (void)at_result_split_fields(line, &fields);
        (void)at_parse_csq(line, &csq);
        for (int form = AT_REG_FORM_AUTO; form <= AT_REG_FORM_URC; form++)
                (void)at_parse_creg(line, (AtRegForm)form, &reg);
        (void)at_parse_cops(line, &cops);
        (void)at_parse_cpin(line, &pin);
        (void)at_parse_cmti(line, &mi);
        (void)at_parse_cmgs(line, &mr);
        (void)at_parse_cusd(line, &cusd);
        for (int ctx = AT_TRACE_CONTEXT_NONE; ctx <= AT_TRACE_CONTEXT_IDENTITY; ctx++)
                (void)at_trace_redact(AT_TRACE_RX, line, (AtTraceContext)ctx, buf, sizeof(buf));
        (void)at_trace_redact(AT_TRACE_TX, line, AT_TRACE_CONTEXT_NONE, buf, 16);
}

static int on_token(const AtToken *t, void *userdata) {
        AtTokenizer *tok = userdata;
        parse_all(t->text);
        if (t->type == AT_TOKEN_LINE && (strncmp(t->text, "+CMT:", 5) == 0 || strncmp(t->text, "+CMGR:", 6) == 0))
                at_tokenizer_expect_pdu(tok, true);
        return 0;
}

static int null_write(const void *buf, size_t len, void *userdata) {
        return 0;
}

static void on_resp(AtChat *chat, const AtResponse *r, void *userdata) {
        for (size_t i = 0; i < r->n_lines; i++) {
                if (!r->lines[i])
                        abort();
                (void)strlen(r->lines[i]);
                if (r->pdus && r->pdus[i])
                        (void)strlen(r->pdus[i]);
        }
}

static void on_urc(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        (void)strlen(line);
        if (pdu)
                (void)strlen(pdu);
        /* Re-entrancy: queue and cancel from inside a handler. */
        if (line[0] == '^')
                at_chat_cancel_owner(chat, userdata);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static AtTokenizer tok;
        static const char *const cmgr[] = {"+CMGR:", "+CMGL:", NULL};
        FakeClock clock;
        AtChat *chat = NULL;
        int owner;

        if (size == 0)
                return 0;

        at_tokenizer_init(&tok);
        at_tokenizer_expect_prompt(&tok, data[0] & 1);
        at_tokenizer_expect_pdu(&tok, data[0] & 2);
        at_tokenizer_feed(&tok, data + 1, size - 1, on_token, &tok);
        at_tokenizer_finish(&tok, on_token, &tok);

        fake_clock_init(&clock, 0, 0);
        if (at_chat_new(&clock.clock, null_write, NULL, &chat) < 0)
                return 0;
        (void)at_chat_register_urc(chat, "+CMT:", true, on_urc, &owner, &owner);
        (void)at_chat_register_urc(chat, "^", false, on_urc, &owner, &owner);
        (void)at_chat_register_urc(chat, "+C", false, on_urc, NULL, NULL);
        AtCommand read = {.cmd = "AT+CMGR=1", .prefixes = cmgr, .flags = AT_COMMAND_EXPECT_PDU,
                          .callback = on_resp, .owner = &owner};
        AtCommand sms = {.cmd = "AT+CMGS=10", .payload = "0011", .callback = on_resp};
        (void)at_chat_send(chat, &read);
        (void)at_chat_send(chat, &sms);
        (void)at_chat_send_simple(chat, "ATI", NULL, 0, NULL, on_resp, NULL);
        /* Feed in two halves with a timeout check between them. */
        at_chat_feed(chat, data + 1, (size - 1) / 2);
        fake_clock_advance(&clock, (uint64_t)data[0] * 100000);
        at_chat_process_timeouts(chat);
        at_chat_feed(chat, data + 1 + (size - 1) / 2, size - 1 - (size - 1) / 2);
        at_chat_hangup(chat, -5);
        at_chat_unref(chat);
        return 0;
}
