/* Benchmark: lines per second through the AT tokenizer alone and through
 * the whole chat (tokenizer, routing, response collection, URC dispatch,
 * callbacks).  Prints one result line per stage; not a pass/fail test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at-chat.h"
#include "at/at-tokenizer.h"
#include "util/clock.h"

#define ROUNDS 200000

static const char reply[] = "\r\n+CSQ: 20,99\r\n\r\n^RSSI: 17\r\n\r\nOK\r\n"; /* 3 lines */

static int count_token(const AtToken *t, void *userdata) {
        (*(size_t *)userdata)++;
        return 0;
}

static int null_write(const void *buf, size_t len, void *userdata) {
        return 0;
}

static void on_resp(AtChat *chat, const AtResponse *r, void *userdata) {
        (*(size_t *)userdata) += r->n_lines + 1;
}

static void on_urc(AtChat *chat, const char *line, const char *pdu, void *userdata) {
        (*(size_t *)userdata)++;
}

static double seconds(uint64_t a, uint64_t b) {
        return (double)(b - a) / 1e6;
}

int main(void) {
        static const char *const csq[] = {"+CSQ:", NULL};
        AtTokenizer tok;
        size_t lines = 0, n = 0, len = strlen(reply);
        uint64_t t0, t1;
        AtChat *chat;

        at_tokenizer_init(&tok);
        t0 = now_usec_monotonic();
        for (int i = 0; i < ROUNDS; i++)
                at_tokenizer_feed(&tok, reply, len, count_token, &lines);
        t1 = now_usec_monotonic();
        printf("tokenizer: %zu lines in %.3f s = %.0f lines/s\n", lines, seconds(t0, t1),
               (double)lines / seconds(t0, t1));

        if (at_chat_new(clock_system(), null_write, NULL, &chat) < 0)
                return 1;
        (void)at_chat_register_urc(chat, "^RSSI:", false, on_urc, &n, NULL);
        t0 = now_usec_monotonic();
        for (int i = 0; i < ROUNDS; i++) {
                if (at_chat_send_simple(chat, "AT+CSQ", csq, 0, NULL, on_resp, &n) < 0)
                        return 1;
                at_chat_feed(chat, reply, len);
        }
        t1 = now_usec_monotonic();
        printf("chat: %zu lines (%d commands) in %.3f s = %.0f lines/s, %.0f commands/s\n", n, ROUNDS,
               seconds(t0, t1), (double)n / seconds(t0, t1), ROUNDS / seconds(t0, t1));
        at_chat_unref(chat);
        return n == (size_t)ROUNDS * 3 ? 0 : 1;
}
