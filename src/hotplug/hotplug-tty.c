/* Serial port helpers for the probe; see hotplug-tty.h. */
#include "hotplug/hotplug-tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/clock.h"

int hotplug_tty_open(const char *path) {
        struct termios t;
        int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        /* a pty (tests) or a USB serial port: raw, 8N1, no flow control */
        if (tcgetattr(fd, &t) == 0) {
                cfmakeraw(&t);
                t.c_cflag |= CLOCAL | CREAD;
                t.c_cflag &= ~(tcflag_t)CRTSCTS;
                cfsetispeed(&t, B115200);
                cfsetospeed(&t, B115200);
                (void)tcsetattr(fd, TCSANOW, &t);
                (void)tcflush(fd, TCIFLUSH);
        }
        return fd;
}

int hotplug_tty_write_pending(int fd, HotplugProbe *p) {
        const char *out = hotplug_probe_pending_output(p);
        size_t len;
        ssize_t n;

        if (!out)
                return 0;
        len = strlen(out);
        n = write(fd, out, len);
        if (n < 0)
                return -errno;
        if ((size_t)n != len)
                return -EIO; /* a 10-byte write to a tty does not split */
        hotplug_probe_output_done(p);
        return 0;
}

int hotplug_probe_run_sync(const char *path, uint64_t command_timeout_usec, HotplugProbeFlags flags,
                           HotplugProbe **ret) {
        _cleanup_(hotplug_probe_freep) HotplugProbe *p = NULL;
        _cleanup_close_ int fd = -1;
        int r;

        fd = hotplug_tty_open(path);
        if (fd < 0)
                return fd;
        r = hotplug_probe_new(command_timeout_usec, flags, &p);
        if (r < 0)
                return r;
        hotplug_probe_start(p, now_usec_monotonic());
        while (!hotplug_probe_is_done(p)) {
                struct pollfd pfd = {.fd = fd, .events = POLLIN};
                uint64_t now = now_usec_monotonic(), dl = hotplug_probe_deadline(p);
                int timeout_ms;

                r = hotplug_tty_write_pending(fd, p);
                if (r < 0 && r != -EAGAIN) {
                        hotplug_probe_hangup(p);
                        break;
                }
                timeout_ms = dl == UINT64_MAX ? 1000 : dl <= now ? 0 : (int)((dl - now + 999) / 1000);
                r = poll(&pfd, 1, timeout_ms);
                if (r < 0 && errno != EINTR)
                        return -errno;
                if (r > 0 && (pfd.revents & POLLIN)) {
                        char buf[512];
                        ssize_t n = read(fd, buf, sizeof(buf));
                        if (n > 0)
                                hotplug_probe_feed(p, buf, (size_t)n, now_usec_monotonic());
                        else if (n == 0 || (errno != EAGAIN && errno != EINTR))
                                hotplug_probe_hangup(p);
                } else if (r > 0 && (pfd.revents & (POLLHUP | POLLERR))) {
                        hotplug_probe_hangup(p);
                }
                hotplug_probe_process_timeout(p, now_usec_monotonic());
        }
        *ret = TAKE_PTR(p);
        return 0;
}
