/* Runs an AtSeqStep table on a chat; see at-seq.h. */
#include "at/at-seq.h"

#include <errno.h>
#include <stdlib.h>

typedef struct AtSeq {
        const AtSeqStep *steps;
        size_t n, index;
        const void *owner;
        AtSeqDoneFunc done;
        void *userdata;
} AtSeq;

static void seq_finish(AtSeq *seq, AtChat *chat, int error, AtFinal final, int code) {
        AtSeqResult res = {.error = error, .index = seq->index, .final = final, .code = code};
        AtSeqDoneFunc done = seq->done;
        void *ud = seq->userdata;

        free(seq);
        if (done)
                done(chat, &res, ud);
}

static int seq_send(AtSeq *seq, AtChat *chat);

static void on_step(AtChat *chat, const AtResponse *resp, void *userdata) {
        AtSeq *seq = userdata;
        const AtSeqStep *step = &seq->steps[seq->index];
        int r = at_final_to_errno(resp->final);
        int r2;

        if (r == 0 && step->parse) {
                r = step->parse(resp, seq->userdata);
                if (r > 0)
                        r = 0;
        }
        /* Cancellation and hang-up end the sequence even for optional steps. */
        if (r < 0 && (!(step->flags & AT_SEQ_OPTIONAL) || resp->final == AT_FINAL_CANCELLED ||
                      resp->final == AT_FINAL_GONE)) {
                seq_finish(seq, chat, r, resp->final, resp->code);
                return;
        }

        seq->index++;
        if (seq->index >= seq->n) {
                seq_finish(seq, chat, 0, resp->final, resp->code);
                return;
        }
        r2 = seq_send(seq, chat);
        if (r2 < 0)
                seq_finish(seq, chat, r2, r2 == -ENODEV ? AT_FINAL_GONE : AT_FINAL_ERROR, -1);
}

static int seq_send(AtSeq *seq, AtChat *chat) {
        const AtSeqStep *step = &seq->steps[seq->index];
        AtCommand c = {
                .cmd = step->cmd,
                .prefixes = step->prefixes,
                .timeout_usec = step->timeout_usec,
                .flags = (step->flags & AT_SEQ_EXPECT_PDU) ? AT_COMMAND_EXPECT_PDU : AT_COMMAND_DEFAULT,
                .owner = seq->owner,
                .callback = on_step,
                .userdata = seq,
        };
        int64_t id = at_chat_send(chat, &c);
        /* seq may be gone here already (a write failure hangs up at once). */
        return id < 0 ? (int)id : 0;
}

int at_seq_run(AtChat *chat, const AtSeqStep *steps, size_t n, const void *owner, AtSeqDoneFunc done,
               void *userdata) {
        AtSeq *seq;
        int r;

        if (!chat || !steps || n == 0)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (!steps[i].cmd)
                        return -EINVAL;
        if (at_chat_is_gone(chat))
                return -ENODEV;

        seq = calloc(1, sizeof(*seq));
        if (!seq)
                return -ENOMEM;
        *seq = (AtSeq){.steps = steps, .n = n, .owner = owner, .done = done, .userdata = userdata};
        r = seq_send(seq, chat);
        if (r < 0) {
                free(seq);
                return r;
        }
        return 0;
}
