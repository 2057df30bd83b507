/* Generic D-Bus -> JSON conversion for callstackctl (D-Bus specification,
 * "Type system").  Driven by the message's own signature, so it keeps
 * working when the API grows (issue #5's SMS properties, new signals). */
#include "ctl/ctl-json.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/cleanup.h"

static void json_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}

static int read_basic(sd_bus_message *m, char type, json_object **ret) {
        union {
                uint8_t y;
                int b;
                int16_t n;
                uint16_t q;
                int32_t i;
                uint32_t u;
                int64_t x;
                uint64_t t;
                double d;
                const char *s;
                int h;
        } v;
        json_object *o;
        int r;

        r = sd_bus_message_read_basic(m, type, &v);
        if (r < 0)
                return r;
        if (r == 0)
                return -EBADMSG;
        switch (type) {
        case 'y': o = json_object_new_int(v.y); break;
        case 'b': o = json_object_new_boolean(v.b); break;
        case 'n': o = json_object_new_int(v.n); break;
        case 'q': o = json_object_new_int(v.q); break;
        case 'i': o = json_object_new_int(v.i); break;
        case 'u': o = json_object_new_int64(v.u); break;
        case 'x': o = json_object_new_int64(v.x); break;
        case 't': o = json_object_new_uint64(v.t); break;
        case 'd': o = json_object_new_double(v.d); break;
        case 'h': o = json_object_new_int(v.h); break;
        case 's':
        case 'o':
        case 'g': o = json_object_new_string(v.s); break;
        default: return -EBADMSG;
        }
        if (!o)
                return -ENOMEM;
        *ret = o;
        return 0;
}

int ctl_json_read_value(sd_bus_message *m, json_object **ret) {
        _cleanup_(json_putp) json_object *o = NULL;
        const char *contents;
        char type;
        int r;

        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        if (r == 0)
                return -ENXIO; /* nothing left */

        if (type == SD_BUS_TYPE_VARIANT) {
                r = sd_bus_message_enter_container(m, type, contents);
                if (r < 0)
                        return r;
                r = ctl_json_read_value(m, &o);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        } else if (type == SD_BUS_TYPE_ARRAY && contents[0] == SD_BUS_TYPE_DICT_ENTRY_BEGIN) {
                r = sd_bus_message_enter_container(m, type, contents);
                if (r < 0)
                        return r;
                o = json_object_new_object();
                if (!o)
                        return -ENOMEM;
                for (;;) {
                        _cleanup_(json_putp) json_object *k = NULL, *v = NULL;
                        const char *c;
                        char t;

                        r = sd_bus_message_peek_type(m, &t, &c);
                        if (r < 0)
                                return r;
                        if (r == 0)
                                break;
                        r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, c);
                        if (r < 0)
                                return r;
                        r = ctl_json_read_value(m, &k);
                        if (r < 0)
                                return r;
                        r = ctl_json_read_value(m, &v);
                        if (r < 0)
                                return r;
                        r = sd_bus_message_exit_container(m);
                        if (r < 0)
                                return r;
                        /* Keys are basic types; non-string keys use their JSON text. */
                        json_object_object_add(o,
                                               json_object_is_type(k, json_type_string)
                                                       ? json_object_get_string(k)
                                                       : json_object_to_json_string(k),
                                               v);
                        v = NULL;
                }
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        } else if (type == SD_BUS_TYPE_ARRAY || type == SD_BUS_TYPE_STRUCT) {
                r = sd_bus_message_enter_container(m, type, contents);
                if (r < 0)
                        return r;
                o = json_object_new_array();
                if (!o)
                        return -ENOMEM;
                for (;;) {
                        json_object *v = NULL;
                        r = ctl_json_read_value(m, &v);
                        if (r == -ENXIO)
                                break;
                        if (r < 0)
                                return r;
                        json_object_array_add(o, v);
                }
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        } else {
                r = read_basic(m, type, &o);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(o);
        return 0;
}

int ctl_json_from_message(sd_bus_message *m, json_object **ret) {
        _cleanup_(json_putp) json_object *a = json_object_new_array();
        int r;

        if (!a)
                return -ENOMEM;
        for (;;) {
                json_object *v = NULL;
                r = ctl_json_read_value(m, &v);
                if (r == -ENXIO)
                        break;
                if (r < 0)
                        return r;
                json_object_array_add(a, v);
        }
        *ret = TAKE_PTR(a);
        return 0;
}
