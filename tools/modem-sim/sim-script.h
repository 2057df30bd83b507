/* Transcript replay for callstack-modem-sim --script: a file of "TX: ..."
 * and "RX: ..." lines (the format of the field cases in
 * shared/reference/field-cases.json).  A command line equal to the next
 * unanswered TX line (or one further on) is answered with the RX lines that
 * follow it; anything else falls through to the profile's interpreter. */
#pragma once

#include <stdbool.h>

typedef struct SimModem SimModem;
typedef struct SimScript SimScript;

int sim_script_load(const char *path, SimScript **ret);
SimScript *sim_script_free(SimScript *s);
/* Sends the RX lines before the first TX line (once).  Called by
 * sim_script_answer() on the host's first command line. */
void sim_script_start(SimScript *s, SimModem *m);
/* Returns true when the script answered line. */
bool sim_script_answer(SimScript *s, SimModem *m, const char *line);
/* Number of TX entries not yet answered. */
unsigned sim_script_remaining(SimScript *s);
