/* Pseudo-terminal I/O of callstack-modem-sim, see sim-io.h.
 *
 * The simulator keeps its own descriptor of the slave open: the master
 * then never reports hang-up while the host has the port closed, the
 * termios we set (raw, no echo) survive the host closing and reopening, and
 * output written before the host opens the port waits in the pty buffer as
 * it would in a real modem's USB FIFO.  With a handed-over fd (--fd) we
 * cannot do that, so HUP/EIO there just pauses reading and we poll again. */
#include "sim-io.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/clock.h"

#define SIM_IO_QUEUE_MAX (4u * 1024u * 1024u)
#define SIM_IO_RETRY_USEC (50 * USEC_PER_MSEC)

typedef struct SimChunk {
        struct SimChunk *next;
        uint64_t due;
        size_t len, off;
        char data[];
} SimChunk;

struct SimIo {
        sd_event *event;
        char *link_path;
        bool handed_fd;
        int master;
        int slave;
        char *slave_path;
        sd_event_source *io_source;
        sd_event_source *timer;
        sd_event_source *retry;
        SimIoInputFn input;
        void *userdata;
        SimChunk *head;
        size_t queued;
        uint64_t latency;
        unsigned drop;
        bool want_out;
        FILE *trace;
};

static void trace(SimIo *io, const char *dir, const char *data, size_t len) {
        if (!io->trace)
                return;
        fprintf(io->trace, "%" PRIu64 " %s ", now_usec_monotonic() / 1000, dir);
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)data[i];
                if (c == '\r')
                        fputs("\\r", io->trace);
                else if (c == '\n')
                        fputs("\\n", io->trace);
                else if (c < 0x20 || c >= 0x7f || c == '\\')
                        fprintf(io->trace, "\\x%02x", c);
                else
                        fputc(c, io->trace);
        }
        fputc('\n', io->trace);
        fflush(io->trace);
}

static void queue_clear(SimIo *io) {
        while (io->head) {
                SimChunk *c = io->head;
                io->head = c->next;
                free(c);
        }
        io->queued = 0;
}

static int update_events(SimIo *io) {
        if (!io->io_source)
                return 0;
        return sd_event_source_set_io_events(io->io_source, EPOLLIN | (io->want_out ? EPOLLOUT : 0));
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata);

static void flush_queue(SimIo *io) {
        uint64_t now = now_usec_monotonic();

        while (io->head && io->master >= 0) {
                SimChunk *c = io->head;
                ssize_t n;

                if (c->due > now) {
                        if (!io->timer)
                                (void)sd_event_add_time(io->event, &io->timer, CLOCK_MONOTONIC, c->due, 1,
                                                        on_timer, io);
                        else {
                                (void)sd_event_source_set_time(io->timer, c->due);
                                (void)sd_event_source_set_enabled(io->timer, SD_EVENT_ONESHOT);
                        }
                        break;
                }
                n = write(io->master, c->data + c->off, c->len - c->off);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        /* EAGAIN: pty buffer full; EIO: nobody on the other side
                         * (handed-over fd).  Wait for EPOLLOUT either way. */
                        io->want_out = true;
                        (void)update_events(io);
                        return;
                }
                trace(io, "->", c->data + c->off, (size_t)n);
                c->off += (size_t)n;
                if (c->off < c->len)
                        continue;
                io->head = c->next;
                io->queued -= c->len;
                free(c);
        }
        if (io->want_out) {
                io->want_out = false;
                (void)update_events(io);
        }
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        flush_queue(userdata);
        return 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        SimIo *io = userdata;

        io->retry = sd_event_source_unref(io->retry);
        if (io->io_source)
                (void)sd_event_source_set_enabled(io->io_source, SD_EVENT_ON);
        flush_queue(io);
        return 0;
}

static void pause_reading(SimIo *io) {
        (void)sd_event_source_set_enabled(io->io_source, SD_EVENT_OFF);
        if (!io->retry)
                (void)sd_event_add_time_relative(io->event, &io->retry, CLOCK_MONOTONIC, SIM_IO_RETRY_USEC,
                                                 1, on_retry, io);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        SimIo *io = userdata;
        char buf[4096];

        if (revents & EPOLLIN) {
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n > 0) {
                        trace(io, "<-", buf, (size_t)n);
                        io->input(io->userdata, buf, (size_t)n);
                        /* input may have unplugged us */
                        if (io->master < 0)
                                return 0;
                } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                        pause_reading(io);
                        return 0;
                }
        } else if (revents & (EPOLLHUP | EPOLLERR)) {
                pause_reading(io);
                return 0;
        }
        if (revents & EPOLLOUT)
                flush_queue(io);
        return 0;
}

static int attach(SimIo *io) {
        int r = sd_event_add_io(io->event, &io->io_source, io->master, EPOLLIN, on_io, io);
        if (r < 0)
                return r;
        return 0;
}

static int replace_link(const char *target, const char *link_path) {
        _cleanup_free_ char *tmp = NULL;
        struct stat st;

        if (lstat(link_path, &st) == 0 && !S_ISLNK(st.st_mode))
                return -EEXIST; /* never replace a real file */
        if (asprintf(&tmp, "%s.%d.tmp", link_path, (int)getpid()) < 0)
                return -ENOMEM;
        (void)unlink(tmp);
        if (symlink(target, tmp) < 0)
                return -errno;
        if (rename(tmp, link_path) < 0) {
                int r = -errno;
                (void)unlink(tmp);
                return r;
        }
        return 0;
}

static int set_raw(int fd) {
        struct termios t;

        if (tcgetattr(fd, &t) < 0)
                return -errno;
        cfmakeraw(&t);
        t.c_cflag |= CLOCAL | CREAD;
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        cfsetispeed(&t, B115200);
        cfsetospeed(&t, B115200);
        if (tcsetattr(fd, TCSANOW, &t) < 0)
                return -errno;
        return 0;
}

int sim_io_plug(SimIo *io) {
        _cleanup_close_ int master = -1, slave = -1;
        const char *name;
        char *path;
        int r;

        if (io->master >= 0)
                return -EALREADY;
        if (io->handed_fd)
                return -EOPNOTSUPP;
        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (master < 0)
                return -errno;
        if (grantpt(master) < 0 || unlockpt(master) < 0)
                return -errno;
        name = ptsname(master);
        if (!name)
                return -errno;
        path = strdup(name);
        if (!path)
                return -ENOMEM;
        slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (slave < 0) {
                r = -errno;
                free(path);
                return r;
        }
        r = set_raw(slave);
        if (r >= 0)
                r = set_raw(master);
        if (r >= 0 && io->link_path)
                r = replace_link(path, io->link_path);
        if (r < 0) {
                free(path);
                return r;
        }
        io->master = TAKE_FD(master);
        io->slave = TAKE_FD(slave);
        free(io->slave_path);
        io->slave_path = path;
        r = attach(io);
        if (r < 0) {
                sim_io_unplug(io);
                return r;
        }
        return 0;
}

int sim_io_unplug(SimIo *io) {
        if (io->master < 0)
                return -EALREADY;
        io->io_source = sd_event_source_disable_unref(io->io_source);
        io->retry = sd_event_source_disable_unref(io->retry);
        queue_clear(io);
        io->want_out = false;
        if (io->link_path && !io->handed_fd) {
                char target[4096];
                ssize_t n = readlink(io->link_path, target, sizeof(target) - 1);
                if (n > 0) {
                        target[n] = '\0';
                        if (io->slave_path && strcmp(target, io->slave_path) == 0)
                                (void)unlink(io->link_path);
                }
        }
        if (io->slave >= 0)
                close(io->slave);
        io->slave = -1;
        close(io->master);
        io->master = -1;
        free(io->slave_path);
        io->slave_path = NULL;
        return 0;
}

int sim_io_new(sd_event *event, const char *link_path, int fd, SimIoInputFn input, void *userdata,
               SimIo **ret) {
        SimIo *io;
        int r;

        if (!event || !input || (!link_path && fd < 0))
                return -EINVAL;
        io = calloc(1, sizeof(*io));
        if (!io)
                return -ENOMEM;
        io->event = sd_event_ref(event);
        io->master = io->slave = -1;
        io->input = input;
        io->userdata = userdata;
        if (link_path) {
                io->link_path = strdup(link_path);
                if (!io->link_path) {
                        sim_io_free(io);
                        return -ENOMEM;
                }
        }
        if (fd >= 0) {
                io->handed_fd = true;
                io->master = fd;
                r = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
                if (r >= 0)
                        r = attach(io);
        } else
                r = sim_io_plug(io);
        if (r < 0) {
                sim_io_free(io);
                return r;
        }
        *ret = io;
        return 0;
}

SimIo *sim_io_free(SimIo *io) {
        if (!io)
                return NULL;
        if (io->master >= 0)
                (void)sim_io_unplug(io);
        queue_clear(io);
        io->timer = sd_event_source_disable_unref(io->timer);
        io->retry = sd_event_source_disable_unref(io->retry);
        sd_event_unref(io->event);
        free(io->slave_path);
        free(io->link_path);
        free(io);
        return NULL;
}

bool sim_io_is_plugged(SimIo *io) {
        return io->master >= 0;
}

const char *sim_io_slave_path(SimIo *io) {
        return io->slave_path;
}

void sim_io_set_latency(SimIo *io, uint64_t usec) {
        io->latency = usec;
}

uint64_t sim_io_get_latency(SimIo *io) {
        return io->latency;
}

void sim_io_drop(SimIo *io, unsigned n) {
        io->drop = n;
}

void sim_io_set_trace(SimIo *io, FILE *f) {
        io->trace = f;
}

void sim_io_output(SimIo *io, SimOut kind, const char *data, size_t len) {
        SimChunk *c, **pp;
        uint64_t due = now_usec_monotonic();

        if (io->master < 0 || len == 0)
                return;
        if (kind == SIM_OUT_REPLY) {
                if (io->drop > 0) {
                        io->drop--;
                        trace(io, "dropped", data, len);
                        return;
                }
                due += io->latency;
        }
        if (io->queued + len > SIM_IO_QUEUE_MAX) {
                trace(io, "overflow", data, len);
                return;
        }
        c = malloc(sizeof(*c) + len);
        if (!c)
                return;
        c->next = NULL;
        c->due = due;
        c->len = len;
        c->off = 0;
        memcpy(c->data, data, len);
        /* Keep the queue ordered by due time, FIFO among equals: a URC may
         * overtake a delayed reply, never another URC. */
        for (pp = &io->head; *pp && (*pp)->due <= due; pp = &(*pp)->next)
                ;
        c->next = *pp;
        *pp = c;
        io->queued += len;
        flush_queue(io);
}
