/* Binds an AtChat to a tty on an sd-event loop: opens the device raw and
 * non-blocking, reads into the chat, writes with a buffer, arms the chat's
 * timeouts on a timer, and reports hang-up/EIO (unplug) once. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "at/at-chat.h"

typedef struct AtChannel AtChannel;

/* Opens path (O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC, raw termios at
 * 115200 8N1) and attaches it to event. */
int at_channel_open(sd_event *event, const char *path, AtChannel **ret);
/* Same with an fd already open (ownership taken). */
int at_channel_new_from_fd(sd_event *event, int fd, const char *name, AtChannel **ret);
/* Closes the fd; commands still queued fail with AT_FINAL_GONE, the
 * chat's disconnect func is not called (a deliberate close is not an
 * unplug).  Safe inside any chat callback (the free is deferred). */
AtChannel *at_channel_free(AtChannel *channel);
/* True once the tty hung up (or the channel is being freed). */
bool at_channel_is_gone(AtChannel *channel);

/* Borrowed; lives as long as the channel. */
AtChat *at_channel_get_chat(AtChannel *channel);
