/* Binds an AtChat to a tty on an sd-event loop: opens the device raw and
 * non-blocking, reads into the chat, writes with a buffer, arms the chat's
 * timeouts on a timer, and reports hang-up/EIO (unplug) once. */
#pragma once

#include <systemd/sd-event.h>

#include "at/at-chat.h"

typedef struct AtChannel AtChannel;

/* Opens path (O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC, raw termios at
 * 115200 8N1) and attaches it to event. */
int at_channel_open(sd_event *event, const char *path, AtChannel **ret);
/* Same with an fd already open (ownership taken). */
int at_channel_new_from_fd(sd_event *event, int fd, const char *name, AtChannel **ret);
AtChannel *at_channel_free(AtChannel *channel);

/* Borrowed; lives as long as the channel. */
AtChat *at_channel_get_chat(AtChannel *channel);
