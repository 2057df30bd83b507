/* The control socket of callstack-modem-sim: a unix stream socket taking
 * one command per line; each command's answer is zero or more data lines
 * followed by "OK" or "ERR <reason>".  The protocol is documented in
 * README.md ("Simulated modem"). */
#pragma once

#include "sim-app.h"

int sim_control_new(SimApp *app, const char *path, SimControl **ret);
/* Closes every client and removes the socket file. */
SimControl *sim_control_free(SimControl *c);

/* Runs one command line; *ret_output (malloc()ed) gets the full answer
 * including the final "OK\n" or "ERR ...\n".  Returns 1 when the command
 * asked the simulator to quit, 0 otherwise. */
int sim_control_execute(SimApp *app, const char *line, char **ret_output);

/* Splits a control line into words (see sim-control.c); used by the SMS
 * commands too.  Returns the count, -EINVAL on bad quoting, -E2BIG. */
int sim_control_split(const char *s, char **words, size_t max, char *buf, size_t buf_size);
