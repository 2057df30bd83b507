/* callstackctl's command line: global options, the verb and its
 * positional arguments, and the pure checks on them (modem selector, PIN).
 * No bus and no I/O here so every rule has a unit test
 * (tests/unit/ctl/test-ctl-args.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in README.md ("callstackctl"). */
enum {
        CTL_EXIT_OK = 0,
        CTL_EXIT_FAILURE = 1,     /* the daemon or the modem said no */
        CTL_EXIT_USAGE = 2,       /* bad command line or invalid argument */
        CTL_EXIT_UNREACHABLE = 3, /* no bus, or callstackd is not on it */
        CTL_EXIT_DENIED = 4,      /* polkit (or the bus policy) refused */
};

typedef enum CtlVerb {
        CTL_VERB_LIST,
        CTL_VERB_SHOW,
        CTL_VERB_IDENTITY,
        CTL_VERB_PIN,
        CTL_VERB_AT,
        CTL_VERB_MONITOR,
        CTL_VERB_DOCTOR,
        CTL_VERB_SMS, /* sms send|list|read|delete|watch */
        _CTL_VERB_MAX,
        CTL_VERB_HELP,
        CTL_VERB_VERSION,
} CtlVerb;

#define CTL_ARGS_MAX 8

typedef struct CtlArgs {
        CtlVerb verb;
        const char *bus_address; /* NULL: the system bus */
        bool json;
        bool ask_password;       /* sets allow-interactive-authorization */
        bool timeout_set;
        uint32_t timeout_ms;     /* `at --timeout`; 0 = daemon's default */
        bool direct;             /* `doctor --direct`: probe the ports here, no daemon */
        const char *args[CTL_ARGS_MAX]; /* positionals after the verb (borrowed from argv) */
        /* sms only */
        bool sms_report;          /* send --report */
        uint32_t sms_validity;    /* send --validity MIN, 0 = network default */
        const char *sms_modem;    /* --modem N */
        bool sms_read;            /* watch --read */
        uint32_t sms_count;       /* watch --count N, 0 = until interrupted */
        size_t n_args;
} CtlArgs;

const char *ctl_verb_to_string(CtlVerb v);
int ctl_verb_from_string(const char *s, CtlVerb *ret);

/* Parses argv: global options, the verb, then the verb's options and
 * positionals in any order; argv is not modified.
 * On a usage error returns -EINVAL and writes a one-line reason into err.  --help and --version set the verb CTL_VERB_HELP/VERSION. */
int ctl_args_parse(int argc, char **argv, CtlArgs *ret, char *err, size_t err_size);

/* Checks the verb's arguments that need no bus: the MODEM selector, a
 * PIN given on the command line, an AT command's form.  -EINVAL with a
 * one-line reason in err. */
int ctl_args_check(const CtlArgs *a, char *err, size_t err_size);

/* MODEM is the N of /org/callstack/Modem/N or that object path.  Returns
 * a malloc()ed object path, or -EINVAL. */
int ctl_modem_path_from_spec(const char *spec, char **ret_path);

/* A SIM PIN: 4 to 8 decimal digits (3GPP TS 31.101 9.3 / TS 22.030). */
bool ctl_pin_is_valid(const char *pin);

/* Strips one trailing "\n" or "\r\n" in place (a PIN read from stdin). */
void ctl_chomp(char *s);

/* Splits the `at` arguments: "[MODEM] CMD" -> modem spec (NULL if absent)
 * and command. */
int ctl_at_split(const char *const *args, size_t n_args, const char **ret_modem, const char **ret_cmd);

/* The polkit action each verb needs, and the phrase used in the one-line
 * denial ("not authorized to <phrase> (polkit action <action>)"); NULL
 * when the verb is not gated. */
const char *ctl_verb_polkit_action(CtlVerb v);
const char *ctl_verb_denial_phrase(CtlVerb v);

/* `sms` sub-commands: "send" (2 args), "list" (0), "read" (1), "delete"
 * (1), "watch" (0).  Checks the sub-command, its argument count and an SMS
 * id (N or /org/callstack/SMS/N). */
int ctl_sms_check(const CtlArgs *a, char *err, size_t err_size);
/* N or /org/callstack/SMS/N -> malloc()ed object path, or -EINVAL. */
int ctl_sms_path_from_spec(const char *spec, char **ret_path);
/* The polkit action an `sms` sub-command needs and its denial phrase. */
const char *ctl_sms_polkit_action(const char *sub);
const char *ctl_sms_denial_phrase(const char *sub);

/* Maps a D-Bus error name to an exit code. */
int ctl_exit_code_from_error(const char *error_name);

/* `at` exit status from the daemon's response: 0 when the last line is
 * "OK", 1 otherwise. */
int ctl_at_exit_code(const char *response);
