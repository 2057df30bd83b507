/* `callstackctl doctor [PORT] [--direct]`: serial ports, what udev says
 * about them, and what callstackd (or, with --direct, the safe probe run
 * here) made of them, with the reasons.  Returns an exit code. */
#pragma once

#include "ctl/ctl-args.h"

int ctl_doctor(const CtlArgs *a);
