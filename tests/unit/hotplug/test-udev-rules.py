#!/usr/bin/python3
"""Checks udev/77-callstack.rules against tests/data/udev/port-roles.txt.

udevadm cannot evaluate rules against made-up devices here (no udevd, no
real sysfs), so this test carries a small evaluator for the part of the
udev rules language the file uses: ==/!= matches with globs and "|"
alternatives on ACTION, SUBSYSTEM, KERNEL, DEVTYPE-as-ENV, ATTR{}, ENV{};
parent matches (SUBSYSTEMS, ATTRS{}) that must all hold on ONE device of
the parent chain, as udev requires; ENV{} assignments with $attr{}
substitution; GOTO/LABEL.  Any other key makes the test fail, so the rules
cannot silently grow syntax the evaluator does not understand.
"""

import fnmatch
import os
import re
import sys

SRC = os.environ.get("CALLSTACK_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RULES = os.path.join(SRC, "udev", "77-callstack.rules")
TABLE = os.path.join(SRC, "tests", "data", "udev", "port-roles.txt")

TOKEN = re.compile(r'\s*([A-Z_]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|:=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)')
DEVICE_KEYS = {"ACTION", "SUBSYSTEM", "KERNEL", "ATTR", "ENV"}
PARENT_KEYS = {"SUBSYSTEMS", "ATTRS"}


class RulesError(Exception):
    pass


def parse_rules(path):
    rules = []
    with open(path) as f:
        text = f.read().replace("\\\n", "")
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pos, keys = 0, []
        while pos < len(line):
            m = TOKEN.match(line, pos)
            if not m:
                raise RulesError(f"{path}:{lineno}: cannot parse at {line[pos:]!r}")
            keys.append((m.group(1), m.group(2), m.group(3), m.group(4)))
            pos = m.end()
        for k, attr, op, _ in keys:
            known = DEVICE_KEYS | PARENT_KEYS | {"GOTO", "LABEL"}
            if k not in known:
                raise RulesError(f"{path}:{lineno}: key {k} not understood by this evaluator")
            if k in ("GOTO", "LABEL") and op != "=":
                raise RulesError(f"{path}:{lineno}: bad {k}")
            if k in ("ATTR", "ATTRS", "SUBSYSTEMS", "SUBSYSTEM", "KERNEL", "ACTION") and op not in ("==", "!="):
                raise RulesError(f"{path}:{lineno}: {k} is match-only here")
        rules.append((lineno, keys))
    return rules


def pattern_match(value, pattern):
    if value is None:
        value = ""
    return any(fnmatch.fnmatchcase(value, alt) for alt in pattern.split("|"))


class Device:
    def __init__(self, subsystem, kernel=None, devtype=None, attrs=None):
        self.subsystem = subsystem
        self.kernel = kernel
        self.devtype = devtype
        self.attrs = dict(attrs or {})


def evaluate(rules, action, chain, env):
    """chain[0] is the device the event is for, then its parents."""
    dev = chain[0]
    env = dict(env)
    if dev.devtype:
        env.setdefault("DEVTYPE", dev.devtype)
    labels = {}
    for idx, (_, keys) in enumerate(rules):
        for k, attr, op, val in keys:
            if k == "LABEL":
                labels[val] = idx
    i = 0
    while i < len(rules):
        lineno, keys = rules[i]
        i += 1
        ok = True
        # device keys
        for k, attr, op, val in keys:
            if op not in ("==", "!=") or k in PARENT_KEYS:
                continue
            if k == "ACTION":
                actual = action
            elif k == "SUBSYSTEM":
                actual = dev.subsystem
            elif k == "KERNEL":
                actual = dev.kernel
            elif k == "ATTR":
                actual = dev.attrs.get(attr)
            elif k == "ENV":
                actual = env.get(attr)
            res = pattern_match(actual, val)
            if (op == "==") != res:
                ok = False
                break
        if not ok:
            continue
        # parent keys: all on one device of the chain
        parent_keys = [(k, a, op, v) for k, a, op, v in keys if k in PARENT_KEYS]
        selected = None
        if parent_keys:
            for cand in chain:
                good = True
                for k, attr, op, val in parent_keys:
                    actual = cand.subsystem if k == "SUBSYSTEMS" else cand.attrs.get(attr)
                    if k == "ATTRS" and actual is None:
                        good = False
                        break
                    if (op == "==") != pattern_match(actual, val):
                        good = False
                        break
                if good:
                    selected = cand
                    break
            if selected is None:
                continue
        # actions
        goto = None
        for k, attr, op, val in keys:
            if k == "ENV" and op in ("=", ":="):
                def subst(m):
                    name = m.group(1)
                    if name in dev.attrs:
                        return dev.attrs[name]
                    if selected is not None and name in selected.attrs:
                        return selected.attrs[name]
                    return ""
                env[attr] = re.sub(r"\$attr\{([^}]*)\}", subst, val)
            elif k == "GOTO":
                goto = val
        if goto is not None:
            if goto not in labels:
                raise RulesError(f"line {lineno}: GOTO to unknown label {goto}")
            i = labels[goto] + 1
    return env


def tty_chain(vid, pid, ifnum, cls, kernel):
    c, s, p = cls.split("/")
    usbdev = Device("usb", devtype="usb_device", attrs={"idVendor": vid, "idProduct": pid})
    intf = Device("usb", devtype="usb_interface", attrs={
        "bInterfaceNumber": ifnum, "bInterfaceClass": c,
        "bInterfaceSubClass": s, "bInterfaceProtocol": p})
    # ttyUSB has a usb-serial port device in between; ttyACM sits on the interface
    chain = [Device("tty", kernel=kernel)]
    if kernel.startswith("ttyUSB"):
        chain.append(Device("usb-serial", kernel=kernel))
    chain += [intf, usbdev]
    return chain, usbdev


def check_row(rules, row, failures):
    vid, pid, ifnum, cls, kernel, pre, expect = row
    pre_env = {}
    if pre != "-":
        for kv in pre.split(","):
            k, v = kv.split("=", 1)
            pre_env[k] = v
    chain, usbdev = tty_chain(vid, pid, ifnum, cls, kernel)
    env = evaluate(rules, "add", chain, pre_env)
    usb_env = evaluate(rules, "add", [usbdev], {k: v for k, v in pre_env.items() if k == "ID_CALLSTACK_IGNORE"})
    where = f"{vid}:{pid} if {ifnum} ({cls}) {kernel} pre={pre}"
    role = env.get("ID_CALLSTACK_PORT_ROLE")
    cand = env.get("ID_CALLSTACK_CANDIDATE") == "1"
    ign = env.get("ID_CALLSTACK_IGNORE") == "1"
    mm = env.get("ID_MM_DEVICE_IGNORE") == "1"

    def fail(msg):
        failures.append(f"{where}: {msg} (got role={role} candidate={cand} ignore={ign} mm-ignore={mm})")

    if expect in ("at", "audio", "gnss", "diag", "ppp"):
        if role != expect or not cand or ign:
            fail(f"expected candidate with role {expect}")
        if not mm:
            fail("a claimed port must carry ID_MM_DEVICE_IGNORE=1")
    elif expect == "candidate":
        if not cand or role or ign or not mm:
            fail("expected candidate without a role")
    elif expect == "ignore":
        if not ign or cand or role or mm:
            fail("expected ignored, unclaimed, ModemManager untouched")
    elif expect == "admin-ignore":
        if cand or role or mm:
            fail("an administrator's ignore must leave the device alone")
        if usb_env.get("ID_MM_DEVICE_IGNORE"):
            failures.append(f"{where}: USB device tagged for ModemManager despite ID_CALLSTACK_IGNORE")
    elif expect == "none":
        if cand or role or ign or mm:
            fail("expected nothing set")
    else:
        failures.append(f"{where}: bad expectation {expect!r} in table")

    # The USB device of a claimed modem is tagged too (ModemManager reads
    # ID_MM_DEVICE_IGNORE from the port's USB device for its net ports).
    if expect in ("at", "audio", "gnss", "diag", "ppp", "candidate") and not pre_env.get("ID_CALLSTACK_OPT_IN"):
        if usb_env.get("ID_MM_DEVICE_IGNORE") != "1":
            failures.append(f"{where}: USB device not tagged ID_MM_DEVICE_IGNORE")


def self_test(rules):
    """The evaluator itself must tell a matching rule from one that does not."""
    r = parse_rules_text('SUBSYSTEMS=="usb", ATTRS{idVendor}=="1e0e", ATTRS{bInterfaceNumber}=="02", ENV{X}="1"\n')
    chain, _ = tty_chain("1e0e", "9001", "02", "ff/00/00", "ttyUSB2")
    # idVendor and bInterfaceNumber live on different parents: must NOT match
    assert "X" not in evaluate(r, "add", chain, {}), "ATTRS across two parents matched"
    r = parse_rules_text('ATTRS{idVendor}=="1e0e", ENV{X}="$attr{idProduct}"\n')
    assert evaluate(r, "add", chain, {}).get("X") == "9001", "$attr from selected parent"


def parse_rules_text(text):
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".rules", delete=False) as f:
        f.write(text)
    try:
        return parse_rules(f.name)
    finally:
        os.unlink(f.name)


def main():
    rules = parse_rules(RULES)
    self_test(rules)
    rows = []
    with open(TABLE) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cols = line.split()
            if len(cols) != 7:
                print(f"{TABLE}:{n}: expected 7 columns", file=sys.stderr)
                return 1
            rows.append(cols)
    failures = []
    for row in rows:
        check_row(rules, row, failures)
    # remove events must not tag anything
    chain, _ = tty_chain("2c7c", "0125", "02", "ff/00/00", "ttyUSB2")
    if evaluate(rules, "remove", chain, {}).get("ID_CALLSTACK_CANDIDATE"):
        failures.append("remove event tagged a port")
    # non-tty, non-usb devices are untouched
    if evaluate(rules, "add", [Device("net", kernel="wwan0")], {}):
        failures.append("a net device got properties")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print(f"{len(rows)} interfaces checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
