/* AtChannel: an AtChat on a tty fd driven by sd-event.  Reads go straight
 * into at_chat_feed(), writes go through a buffer flushed on EPOLLOUT, the
 * chat's earliest deadline arms a CLOCK_MONOTONIC timer (accuracy 1 µs: the
 * default 250 ms slack would stretch every timeout), and hang-up (EPOLLHUP,
 * EIO, read() == 0) closes the fd and hangs the chat up exactly once.
 *
 * Callbacks run from inside our handlers may free the channel: the free is
 * then deferred until the handler unwinds. */
#include "at/at-channel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util/log.h"

#define AT_CHANNEL_WBUF_MAX (1024 * 1024)
#define AT_CHANNEL_READ_CHUNK 4096

struct AtChannel {
        sd_event *event;
        int fd;
        char *name;
        sd_event_source *io;
        sd_event_source *timer;
        AtChat *chat;

        char *wbuf;
        size_t wlen, walloc;
        int write_error;

        bool gone;
        unsigned dispatching;
        bool free_pending;
};

static void channel_update_io(AtChannel *ch) {
        if (!ch->io)
                return;
        (void)sd_event_source_set_io_events(ch->io,
                                            EPOLLIN | (ch->wlen > 0 || ch->write_error ? EPOLLOUT : 0));
}

static void channel_close(AtChannel *ch) {
        ch->io = sd_event_source_disable_unref(ch->io);
        ch->timer = sd_event_source_disable_unref(ch->timer);
        if (ch->fd >= 0) {
                close(ch->fd);
                ch->fd = -1;
        }
        ch->wlen = 0;
}

/* The one way the channel ends by itself. */
static void channel_hangup(AtChannel *ch, int error) {
        if (ch->gone)
                return;
        ch->gone = true;
        log_debug("%s: hang-up (%s)", ch->name, strerror(-error));
        channel_close(ch);
        at_chat_hangup(ch->chat, error);
}

static int channel_flush(AtChannel *ch) {
        while (ch->wlen > 0) {
                ssize_t n = write(ch->fd, ch->wbuf, ch->wlen);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                break;
                        return -errno;
                }
                memmove(ch->wbuf, ch->wbuf + n, ch->wlen - (size_t)n);
                ch->wlen -= (size_t)n;
        }
        channel_update_io(ch);
        return 0;
}

static int channel_write(const void *buf, size_t len, void *userdata) {
        AtChannel *ch = userdata;

        if (ch->gone)
                return -ENODEV;
        if (ch->wlen + len > AT_CHANNEL_WBUF_MAX)
                return -ENOBUFS;
        if (ch->wlen + len > ch->walloc) {
                size_t n = ch->walloc ? ch->walloc : 256;
                char *p;
                while (n < ch->wlen + len)
                        n *= 2;
                p = realloc(ch->wbuf, n);
                if (!p)
                        return -ENOMEM;
                ch->wbuf = p;
                ch->walloc = n;
        }
        memcpy(ch->wbuf + ch->wlen, buf, len);
        ch->wlen += len;

        /* Errors surface from the event loop (EPOLLOUT -> flush fails ->
         * hang-up), never inside the caller's at_chat_send(). */
        if (ch->write_error == 0) {
                int r = channel_flush(ch);
                if (r < 0) {
                        ch->write_error = r;
                        channel_update_io(ch);
                }
        }
        return 0;
}

static void channel_unref_deferred(AtChannel *ch);

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        AtChannel *ch = userdata;

        ch->dispatching++;
        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                for (;;) {
                        char buf[AT_CHANNEL_READ_CHUNK];
                        ssize_t n = read(ch->fd, buf, sizeof(buf));
                        if (n > 0) {
                                at_chat_feed(ch->chat, buf, (size_t)n);
                                if (ch->gone || ch->free_pending)
                                        break;
                                continue;
                        }
                        if (n == 0) {
                                channel_hangup(ch, -EPIPE);
                                break;
                        }
                        if (errno == EINTR)
                                continue;
                        if (errno != EAGAIN)
                                channel_hangup(ch, -errno);
                        break;
                }
        }
        if (!ch->gone && !ch->free_pending && (revents & (EPOLLHUP | EPOLLERR)))
                channel_hangup(ch, -EIO);
        if (!ch->gone && !ch->free_pending && (revents & EPOLLOUT)) {
                int r = ch->write_error ?: channel_flush(ch);
                if (r < 0)
                        channel_hangup(ch, r);
        }
        ch->dispatching--;
        channel_unref_deferred(ch);
        return 0;
}

static void rearm_timer(AtChat *chat, void *userdata) {
        AtChannel *ch = userdata;
        uint64_t d;

        if (!ch->timer)
                return;
        d = at_chat_next_deadline(chat);
        if (d == USEC_INFINITY) {
                (void)sd_event_source_set_enabled(ch->timer, SD_EVENT_OFF);
                return;
        }
        (void)sd_event_source_set_time(ch->timer, d);
        (void)sd_event_source_set_enabled(ch->timer, SD_EVENT_ONESHOT);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        AtChannel *ch = userdata;

        ch->dispatching++;
        at_chat_process_timeouts(ch->chat);
        if (!ch->gone && !ch->free_pending)
                rearm_timer(ch->chat, ch);
        ch->dispatching--;
        channel_unref_deferred(ch);
        return 0;
}

static void channel_destroy(AtChannel *ch) {
        channel_close(ch);
        at_chat_set_deadline_func(ch->chat, NULL, NULL);
        at_chat_unref(ch->chat);
        sd_event_unref(ch->event);
        free(ch->wbuf);
        free(ch->name);
        free(ch);
}

static void channel_unref_deferred(AtChannel *ch) {
        if (ch->free_pending && ch->dispatching == 0)
                channel_destroy(ch);
}

static int setup_tty(int fd) {
        struct termios t;

        if (!isatty(fd))
                return 0; /* a socket or pipe in tests: nothing to set */
        if (tcgetattr(fd, &t) < 0)
                return -errno;
        cfmakeraw(&t);
        t.c_cflag |= CLOCAL | CREAD;
        t.c_cflag &= ~(tcflag_t)CRTSCTS;
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        if (cfsetispeed(&t, B115200) < 0 || cfsetospeed(&t, B115200) < 0)
                return -errno;
        if (tcsetattr(fd, TCSANOW, &t) < 0)
                return -errno;
        (void)tcflush(fd, TCIFLUSH); /* stale bytes from a previous session */
        return 0;
}

int at_channel_new_from_fd(sd_event *event, int fd, const char *name, AtChannel **ret) {
        AtChannel *ch;
        int flags, r;

        if (!event || fd < 0 || !ret)
                return -EINVAL;

        flags = fcntl(fd, F_GETFL);
        if (flags < 0)
                return -errno;
        if (!(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;
        r = setup_tty(fd);
        if (r < 0)
                return r;

        ch = calloc(1, sizeof(*ch));
        if (!ch)
                return -ENOMEM;
        ch->fd = -1;
        ch->event = sd_event_ref(event);
        ch->name = strdup(name ?: "at");
        if (!ch->name) {
                r = -ENOMEM;
                goto fail;
        }
        r = at_chat_new(clock_system(), channel_write, ch, &ch->chat);
        if (r < 0)
                goto fail;
        (void)at_chat_set_debug_name(ch->chat, ch->name);

        r = sd_event_add_io(event, &ch->io, fd, EPOLLIN, on_io, ch);
        if (r < 0)
                goto fail;
        r = sd_event_add_time(event, &ch->timer, CLOCK_MONOTONIC, 0, 1, on_timer, ch);
        if (r < 0)
                goto fail;
        (void)sd_event_source_set_enabled(ch->timer, SD_EVENT_OFF);
        (void)sd_event_source_set_description(ch->io, "at-channel-io");
        (void)sd_event_source_set_description(ch->timer, "at-channel-timer");
        at_chat_set_deadline_func(ch->chat, rearm_timer, ch);

        ch->fd = fd;
        *ret = ch;
        return 0;

fail:
        /* fd ownership is only taken on success. */
        ch->fd = -1;
        channel_destroy(ch);
        return r;
}

int at_channel_open(sd_event *event, const char *path, AtChannel **ret) {
        const char *slash;
        int fd, r;

        if (!event || !path || !ret)
                return -EINVAL;
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        slash = strrchr(path, '/');
        r = at_channel_new_from_fd(event, fd, slash ? slash + 1 : path, ret);
        if (r < 0)
                close(fd);
        return r;
}

AtChannel *at_channel_free(AtChannel *ch) {
        if (!ch || ch->free_pending)
                return NULL;
        ch->free_pending = true;
        if (!ch->gone) {
                /* A deliberate close: commands still queued fail with
                 * AT_FINAL_GONE, the disconnect func is not called. */
                ch->gone = true;
                channel_close(ch);
                at_chat_set_disconnect_func(ch->chat, NULL, NULL);
                ch->dispatching++;
                at_chat_hangup(ch->chat, -ECANCELED);
                ch->dispatching--;
        }
        channel_unref_deferred(ch);
        return NULL;
}

AtChat *at_channel_get_chat(AtChannel *ch) {
        return ch ? ch->chat : NULL;
}

bool at_channel_is_gone(AtChannel *ch) {
        return !ch || ch->gone;
}
