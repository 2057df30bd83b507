/* D-Bus values to json-c: reads the remaining arguments of an sd-bus
 * message into JSON (dictionaries become objects, other arrays and
 * structs arrays, variants their value, 64-bit integers exact). */
#pragma once

#include <json-c/json.h>
#include <systemd/sd-bus.h>

/* Reads every remaining argument of m into a new JSON array. */
int ctl_json_from_message(sd_bus_message *m, json_object **ret);

/* Reads exactly one complete value (the next one) of m. */
int ctl_json_read_value(sd_bus_message *m, json_object **ret);
