"""The D-Bus contract in dbus/*.xml as Python data, and a comparison of a
running object's introspection against it.  Shared by the contract tests
and available to anyone who wants to iterate over methods/actions."""
import os
import xml.etree.ElementTree as ET

import harness

STANDARD_IFACES = {
    "org.freedesktop.DBus.Peer",
    "org.freedesktop.DBus.Introspectable",
    "org.freedesktop.DBus.Properties",
    "org.freedesktop.DBus.ObjectManager",
}


def parse_interfaces(xml_text):
    """{iface: {"methods": {name: {"in": [(name, type)], "out": [...], "action": str|None}},
                "properties": {name: (type, access)}, "signals": {name: [(name, type)]}}}"""
    out = {}
    for i in ET.fromstring(xml_text).iter("interface"):
        d = {"methods": {}, "properties": {}, "signals": {}}
        for m in i.findall("method"):
            action = None
            for a in m.findall("annotation"):
                if a.get("name") == "org.callstack.Polkit.Action":
                    action = a.get("value")
            d["methods"][m.get("name")] = {
                "in": [(a.get("name"), a.get("type")) for a in m.findall("arg") if a.get("direction", "in") == "in"],
                "out": [(a.get("name"), a.get("type")) for a in m.findall("arg") if a.get("direction") == "out"],
                "action": action,
            }
        for p in i.findall("property"):
            d["properties"][p.get("name")] = (p.get("type"), p.get("access"))
        for s in i.findall("signal"):
            d["signals"][s.get("name")] = [(a.get("name"), a.get("type")) for a in s.findall("arg")]
        out[i.get("name")] = d
    return out


def load_contract():
    """Every interface of dbus/*.xml."""
    d = harness.source_path("dbus")
    contract = {}
    for f in sorted(os.listdir(d)):
        if f.startswith("org.callstack.") and f.endswith(".xml"):
            with open(os.path.join(d, f)) as fh:
                contract.update(parse_interfaces(fh.read()))
    return contract


def _args_differ(want, got):
    """Types must match exactly; names must match where the daemon gives them."""
    if [t for _, t in want] != [t for _, t in got]:
        return f"types {[t for _, t in got]} != {[t for _, t in want]}"
    for (wn, _), (gn, _) in zip(want, got):
        if gn and gn != wn:
            return f"argument name {gn!r} != {wn!r}"
    return None


def compare_interface(name, want, got):
    """A list of human-readable differences between the XML contract and a
    running interface (empty when they match)."""
    diffs = []
    for kind in ("methods", "properties", "signals"):
        missing = set(want[kind]) - set(got[kind])
        extra = set(got[kind]) - set(want[kind])
        for m in sorted(missing):
            diffs.append(f"{name}: {kind[:-1]} {m} is in dbus/ but not on the bus")
        for m in sorted(extra):
            diffs.append(f"{name}: {kind[:-1]} {m} is on the bus but not in dbus/")
    for m, w in want["methods"].items():
        g = got["methods"].get(m)
        if g is None:
            continue
        for direction in ("in", "out"):
            d = _args_differ(w[direction], g[direction])
            if d:
                diffs.append(f"{name}.{m} {direction}: {d}")
    for p, (wt, wa) in want["properties"].items():
        g = got["properties"].get(p)
        if g is None:
            continue
        if g[0] != wt:
            diffs.append(f"{name}.{p}: type {g[0]} != {wt}")
        if g[1] != wa:
            diffs.append(f"{name}.{p}: access {g[1]} != {wa}")
    for s, w in want["signals"].items():
        g = got["signals"].get(s)
        if g is None:
            continue
        d = _args_differ(w, g)
        if d:
            diffs.append(f"{name}.{s}: {d}")
    return diffs


def parse_busctl_introspect(text):
    """busctl introspect's table -> {iface: {member: (type, signature, result, flags)}}."""
    out = {}
    cur = None
    for line in text.splitlines()[1:]:
        cols = line.split()
        if len(cols) < 3:
            continue
        if cols[1] == "interface":
            cur = out.setdefault(cols[0], {})
        elif cur is not None and cols[0].startswith("."):
            cur[cols[0][1:]] = (cols[1], cols[2], cols[3] if len(cols) > 3 else "-", cols[-1])
    return out
