/* Declarative AT command sequences: modem init is a static table of steps,
 * not a chain of callbacks (after ModemManager's AT sequences).
 *
 *   static const AtSeqStep init[] = {
 *           {"ATE0"},
 *           {"AT+CMEE=1", .flags = AT_SEQ_OPTIONAL},
 *           {"AT+CPIN?", AT_PREFIXES("+CPIN:"), .parse = parse_cpin},
 *   };
 *   at_seq_run(chat, init, ELEMENTSOF(init), modem, init_done, &state);
 *
 * Steps run in order; a step fails on a non-OK final or when its parser
 * returns < 0; the first failing step that is not AT_SEQ_OPTIONAL stops the
 * sequence.  done runs exactly once (also with AT_FINAL_CANCELLED when the
 * owner is cancelled and AT_FINAL_GONE on hang-up). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "at/at-chat.h"

/* A NULL-terminated prefix list usable in static tables. */
#define AT_PREFIXES(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef enum AtSeqFlags {
        AT_SEQ_DEFAULT = 0,
        AT_SEQ_OPTIONAL = 1 << 0,   /* failure (any final, parser error) is ignored */
        AT_SEQ_EXPECT_PDU = 1 << 1, /* AT_COMMAND_EXPECT_PDU */
} AtSeqFlags;

/* Called on an OK answer with the userdata given to at_seq_run(); returns
 * < 0 (-errno) to fail the step. */
typedef int (*AtSeqParseFunc)(const AtResponse *resp, void *userdata);

typedef struct AtSeqStep {
        const char *cmd;
        const char *const *prefixes; /* as AtCommand.prefixes */
        uint64_t timeout_usec;       /* 0 = chat default */
        unsigned flags;              /* AtSeqFlags */
        AtSeqParseFunc parse;        /* may be NULL */
} AtSeqStep;

typedef struct AtSeqResult {
        int error;     /* 0, or -errno of the failing step (parser error or at_final_to_errno) */
        size_t index;  /* the failing step, or n when all ran */
        AtFinal final; /* final result of the failing (or last) step */
        int code;      /* its +CME/+CMS code or -1 */
} AtSeqResult;

typedef void (*AtSeqDoneFunc)(AtChat *chat, const AtSeqResult *result, void *userdata);

/* steps must stay valid until done runs (a static table).  Returns 0 when
 * the sequence started (done will run), -errno otherwise (done will not). */
int at_seq_run(AtChat *chat, const AtSeqStep *steps, size_t n, const void *owner, AtSeqDoneFunc done,
               void *userdata);
