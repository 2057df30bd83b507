/* sd-event inside GLib, the arrangement measured in the toolchain notes:
 * prepare -> sd_event_prepare(), check -> sd_event_wait(e, 0), dispatch ->
 * sd_event_dispatch(), with sd-event's one epoll fd watched by GLib.
 * (Watching the fd and calling sd_event_run(e, 0) does not work: sd-bus
 * never flushes its output queue that way.) */
#include "daemon/daemon-loop.h"

#include <errno.h>
#include <glib.h>

typedef struct EventSource {
        GSource source;
        sd_event *event;
        GMainLoop *loop;
        int error;
} EventSource;

static gboolean event_prepare(GSource *source, gint *timeout) {
        EventSource *s = (EventSource *)source;
        int r;

        *timeout = -1;
        if (sd_event_get_state(s->event) != SD_EVENT_INITIAL)
                return sd_event_get_state(s->event) == SD_EVENT_PENDING;
        r = sd_event_prepare(s->event);
        if (r < 0) {
                s->error = r;
                g_main_loop_quit(s->loop);
                return FALSE;
        }
        return r > 0;
}

static gboolean event_check(GSource *source) {
        EventSource *s = (EventSource *)source;
        int r;

        if (sd_event_get_state(s->event) != SD_EVENT_ARMED)
                return sd_event_get_state(s->event) == SD_EVENT_PENDING;
        r = sd_event_wait(s->event, 0);
        if (r < 0) {
                s->error = r;
                g_main_loop_quit(s->loop);
                return FALSE;
        }
        return r > 0;
}

static gboolean event_dispatch(GSource *source, GSourceFunc callback, gpointer user_data) {
        EventSource *s = (EventSource *)source;
        int r;

        if (sd_event_get_state(s->event) != SD_EVENT_PENDING)
                return G_SOURCE_CONTINUE;
        r = sd_event_dispatch(s->event);
        if (r < 0) {
                s->error = r;
                g_main_loop_quit(s->loop);
        } else if (sd_event_get_state(s->event) == SD_EVENT_FINISHED)
                g_main_loop_quit(s->loop);
        return G_SOURCE_CONTINUE;
}

static GSourceFuncs event_funcs = {
        .prepare = event_prepare,
        .check = event_check,
        .dispatch = event_dispatch,
};

int daemon_loop_run(sd_event *event) {
        GMainContext *context = g_main_context_default();
        EventSource *s;
        GMainLoop *loop;
        int r, code = 0;

        loop = g_main_loop_new(context, FALSE);
        s = (EventSource *)g_source_new(&event_funcs, sizeof(EventSource));
        s->event = event;
        s->loop = loop;
        g_source_add_unix_fd(&s->source, sd_event_get_fd(event), G_IO_IN);
        g_source_attach(&s->source, context);

        if (sd_event_get_state(event) != SD_EVENT_FINISHED)
                g_main_loop_run(loop);

        r = s->error;
        if (r == 0) {
                r = sd_event_get_exit_code(event, &code);
                if (r == -ENODATA) /* loop failed without sd_event_exit() */
                        r = -EIO;
                else if (r >= 0)
                        r = code;
        }
        g_source_destroy(&s->source);
        g_source_unref(&s->source);
        g_main_loop_unref(loop);
        return r;
}
