#!/usr/bin/python3
"""The running callstackd matches the contract in dbus/*.xml: every method
(argument types, names, directions), property (type, read-only) and signal,
nothing missing and nothing extra.  Interfaces the daemon does not
implement yet are checked as soon as they appear on an object."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contract  # noqa: E402
import harness  # noqa: E402

CONTRACT = contract.load_contract()

# Which interfaces each kind of object must (or may) carry.
REQUIRED = {
    "/org/callstack": {"org.callstack.Manager", "org.freedesktop.DBus.ObjectManager"},
    "modem": {"org.callstack.Modem"},
}
OPTIONAL = {
    "modem": {"org.callstack.Modem.Messaging", "org.callstack.Modem.Voice", "org.callstack.Modem.Ussd"},
}


def check_object(h, path, required, optional=frozenset()):
    got = contract.parse_interfaces(h.introspect(path))
    diffs = []
    for iface in sorted(required):
        if iface not in got:
            diffs.append(f"{path}: interface {iface} missing")
    for iface in sorted(set(got) - contract.STANDARD_IFACES):
        if iface not in CONTRACT:
            diffs.append(f"{path}: interface {iface} is not in dbus/ (add its XML first)")
            continue
        if iface not in required | optional and not iface.startswith("org.callstack."):
            continue
        diffs += contract.compare_interface(f"{path} {iface}", CONTRACT[iface], got[iface])
    return got, diffs


def test_contract_xml_is_complete():
    """The XML itself: every interface of DESIGN.md, every method gated or
    explicitly public, every gated method's action in the polkit policy."""
    want = {"org.callstack.Manager", "org.callstack.Modem", "org.callstack.Modem.Messaging",
            "org.callstack.SMS", "org.callstack.Modem.Voice", "org.callstack.Call", "org.callstack.Modem.Ussd"}
    assert set(CONTRACT) == want, set(CONTRACT) ^ want
    policy = open(harness.source_path("polkit", "org.callstack.policy")).read()
    public = {("org.callstack.Manager", "ListModems"), ("org.callstack.Modem.Voice", "ListCalls")}
    for iface, d in CONTRACT.items():
        for m, info in d["methods"].items():
            if (iface, m) in public:
                assert info["action"] is None, (iface, m)
                continue
            assert info["action"], f"{iface}.{m} has no org.callstack.Polkit.Action annotation"
            assert f'<action id="{info["action"]}">' in policy, info["action"]
        for p, (t, access) in d["properties"].items():
            assert access == "read", (iface, p, access)


def test_contract_running_daemon_matches_xml():
    with harness.Harness(sims=1) as h:
        _, diffs = check_object(h, "/org/callstack", REQUIRED["/org/callstack"])
        modems = h.modems()
        assert len(modems) == 1, modems
        got, d = check_object(h, modems[0], REQUIRED["modem"], OPTIONAL["modem"])
        diffs += d
        # SMS and Call objects, where the daemon already has some.
        for base, iface in (("/org/callstack/SMS", "org.callstack.SMS"), ("/org/callstack/Call", "org.callstack.Call")):
            try:
                xml = h.introspect(base)
            except Exception:
                continue
            import xml.etree.ElementTree as ET
            for node in ET.fromstring(xml).findall("node"):
                _, d = check_object(h, f"{base}/{node.get('name')}", {iface})
                diffs += d
        assert not diffs, "the daemon drifted from dbus/*.xml:\n  " + "\n  ".join(diffs)
        present = sorted(i for i in got if i.startswith("org.callstack."))
        print(f"checked: org.callstack.Manager, {', '.join(present)}")


def test_contract_busctl_introspect_matches_xml():
    """The same through `busctl --address=... introspect`, as an operator sees it."""
    with harness.Harness(sims=1) as h:
        for path, required in (("/org/callstack", {"org.callstack.Manager"}),
                               (h.modems()[0], {"org.callstack.Modem"})):
            r = h.busctl("introspect", "org.callstack", path)
            assert r.returncode == 0, r.stderr
            table = contract.parse_busctl_introspect(r.stdout)
            for iface in required | {i for i in table if i in CONTRACT}:
                assert iface in table, (path, iface, r.stdout)
                want = CONTRACT[iface]
                members = table[iface]
                for m, info in want["methods"].items():
                    assert m in members and members[m][0] == "method", (iface, m)
                    sig = "".join(t for _, t in info["in"]) or "-"
                    res = "".join(t for _, t in info["out"]) or "-"
                    assert members[m][1] == sig and members[m][2] == res, (iface, m, members[m], sig, res)
                for p, (t, _) in want["properties"].items():
                    assert p in members and members[p][0] == "property", (iface, p)
                    assert members[p][1] == t, (iface, p, members[p], t)
                    assert members[p][3] != "writable", (iface, p)
                for s, args in want["signals"].items():
                    assert s in members and members[s][0] == "signal", (iface, s)
                    assert members[s][1] == ("".join(t for _, t in args) or "-"), (iface, s, members[s])
                names = set(want["methods"]) | set(want["properties"]) | set(want["signals"])
                assert set(members) == names, (iface, set(members) ^ names)


if __name__ == "__main__":
    harness.main(globals())
