/* Internals shared by the AT interpreter's files (sim-modem.c for the
 * general commands, sim-sms.c for 3GPP TS 27.005).  Not a public API. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim-modem.h"
#include "util/cleanup.h"
#include "util/strutil.h"
#include "sim-storage.h"

#define SIM_LINE_MAX 4096
#define SIM_PROMPT_MAX 8192

typedef enum SimSimState {
        SIM_STATE_READY,
        SIM_STATE_PIN,
        SIM_STATE_PUK,
} SimSimState;

typedef enum SimPrompt {
        SIM_PROMPT_NONE,
        SIM_PROMPT_CMGS_PDU,
        SIM_PROMPT_CMGS_TEXT,
        SIM_PROMPT_CMGW_PDU,
        SIM_PROMPT_CMGW_TEXT,
} SimPrompt;

/* Outcome of one command of a command line. */
typedef enum SimResult {
        SIM_RES_OK,
        SIM_RES_ERROR,  /* plain ERROR */
        SIM_RES_CME,    /* +CME ERROR: m->err (or ERROR with CMEE=0) */
        SIM_RES_CMS,    /* +CMS ERROR: m->err */
        SIM_RES_PROMPT, /* "> " sent; the line's final result comes later */
        SIM_RES_NONE,   /* final result already written */
} SimResult;

typedef struct SimSent {
        char *hex;              /* the PDU as the host sent it (with SMSC field) */
        char *text_mode_number; /* set for text-mode submissions */
        uint8_t mr;
} SimSent;

typedef struct SimUssd SimUssd;
typedef struct SimCalls SimCalls;

typedef struct SimNetReport {
        int mode; /* 0 off, 1 delivered, 2 failed */
} SimNetReport;

struct SimModem {
        const SimProfile *profile;
        SimModemOps ops;
        void *userdata;
        SimScript *script;

        /* input */
        char line[SIM_LINE_MAX];
        size_t line_len;
        bool line_overflow;
        char *echo_buf;
        size_t echo_len, echo_alloc;

        /* reply being built for the current command line */
        char *reply;
        size_t reply_len, reply_alloc;
        int err;
        bool reply_in_info; /* last thing in reply is an information line */
        char *splice;       /* framed URC for the next reply */
        bool splice_inside;

        /* V.250 / general */
        bool echo;
        int cmee;

        /* SIM */
        char pin[16];
        SimSimState sim_state;
        int pin_tries;
        int puk_tries;
        char *pending; /* framed URCs waiting for flush_pending */
        size_t pending_len;

        /* network */
        int cfun;
        int rssi, ber;
        int reg_stat;
        char lac[9], ci[9];
        int act;
        int creg_n, cgreg_n, cereg_n;
        char operator_name[64];
        int cops_format;
        bool curc;

        /* log of received command lines */
        char **log;
        size_t n_log, alloc_log;

        /* SMS (3GPP TS 27.005), see sim-sms.c */
        SimStorage storage;
        int cmgf;
        char cscs[8];
        int cnmi[5];
        SimMem mem[3];
        int csms;
        bool csdh;
        int csmp_fo, csmp_vp, csmp_pid, csmp_dcs;
        uint8_t next_mr;
        bool cnma_expected;
        char *buffered_ind; /* indications held while CNMI mode is 0 */

        SimPrompt prompt;
        unsigned prompt_len;
        char prompt_number[32];
        int prompt_toa;
        char *prompt_buf;
        size_t prompt_buf_len;

        SimSent *sent;
        size_t n_sent, alloc_sent;
        int net_report; /* 0 off, 1 delivered, 2 failed */
        uint8_t net_fail_status;
        bool storage_full;
        int sms_busy;         /* +CMS ERROR code for storage commands, 0 = ready */
        SimUssd *ussd;   /* sim-ussd.c */
        SimCalls *calls; /* sim-call.c */
        char **network_queue; /* deliveries waiting for free storage (hex) */
        size_t n_network_queue;
};

/* Reply building.  Lines are framed <CR><LF>line<CR><LF> (V.250 5.7.1). */
void sim_reply_line(SimModem *m, const char *line);
void sim_reply_linef(SimModem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_reply_raw(SimModem *m, const char *data, size_t len);
void sim_reply_final(SimModem *m, SimResult r);
/* A result code line (OK, ERROR, +CMS ERROR: n ...) framed on its own. */
void sim_reply_result(SimModem *m, const char *line);
bool sim_is_final_result(const char *line);
void sim_reply_flush(SimModem *m);
/* URC (immediate) with CRLF framing. */
void sim_emit_urc(SimModem *m, const char *line);
void sim_emit_urcf(SimModem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int64_t sim_now(SimModem *m);
/* Output sent as a URC after delay_usec, or just before the next command's
 * reply, whichever comes first. */
void sim_queue_pending_raw(SimModem *m, const char *data, size_t len, uint64_t delay_usec);
/* Registration state as the host sees it (0 while the SIM is locked or
 * the radio off). */
int sim_effective_stat(SimModem *m);
bool sim_ready(SimModem *m);

/* Command argument helpers: splits "a,\"b,c\",d" into fields (quotes removed
 * from quoted fields, *quoted set).  Returns the number of fields. */
#define SIM_ARGS_MAX 16
typedef struct SimArgs {
        size_t n;
        char *v[SIM_ARGS_MAX];
        bool quoted[SIM_ARGS_MAX];
        char buf[SIM_LINE_MAX];
} SimArgs;
int sim_args_parse(const char *s, SimArgs *ret);
bool sim_arg_int(const SimArgs *a, size_t i, long min, long max, long *ret);

/* sim-sms.c: handles the 27.005 command name (upper case, e.g. "+CMGL"),
 * form ('=' set, '?' read, 't' test, 0 exec) and args.  Returns -ENOENT when
 * the command is not an SMS command. */
int sim_sms_command(SimModem *m, const char *name, char form, const char *args, SimResult *ret);
/* Bytes typed after the "> " prompt, terminated by Ctrl-Z. */
void sim_sms_prompt_done(SimModem *m, const char *data, size_t len);
void sim_sms_power_cycle(SimModem *m);
void sim_sms_init(SimModem *m);
void sim_sms_done(SimModem *m);

/* sim-ussd.c: +CUSD; -ENOENT for other commands. */
int sim_ussd_command(SimModem *m, const char *name, char form, const char *args, SimResult *ret);
void sim_ussd_init(SimModem *m);
void sim_ussd_power_cycle(SimModem *m);
void sim_ussd_done(SimModem *m);

/* sim-call.c: +CLIP/+CRC/+COLP/+CLCC/+CHUP/+VTS (-ENOENT for others) and
 * the basic commands D, A, H. */
int sim_call_command(SimModem *m, const char *name, char form, const char *args, SimResult *ret);
SimResult sim_call_dial(SimModem *m, const char *rest);
SimResult sim_call_answer(SimModem *m);
SimResult sim_call_hangup(SimModem *m);
void sim_call_init(SimModem *m);
void sim_call_power_cycle(SimModem *m);
void sim_call_done(SimModem *m);
