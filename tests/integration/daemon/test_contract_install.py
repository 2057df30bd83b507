#!/usr/bin/python3
"""`meson install --destdir` produces a sane tree: programs, unit, bus
policy, activation file, interface XML, polkit actions, example rules; the
unit's sandboxing keeps its systemd-analyze exposure at or under 2.0."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

MAX_EXPOSURE = 2.0


def install_tree():
    if not shutil.which("meson"):
        harness.skip("meson not on PATH")
    info = subprocess.run(["meson", "introspect", "--buildoptions", harness.BUILD_DIR],
                          capture_output=True, text=True, check=True)
    opts = {o["name"]: o["value"] for o in json.loads(info.stdout)}
    dest = tempfile.mkdtemp(prefix="callstack-install-", dir="/tmp")
    r = subprocess.run(["meson", "install", "-C", harness.BUILD_DIR, "--no-rebuild", "--destdir", dest,
                        "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return dest, opts


def find(dest, suffix):
    hits = []
    for d, _, files in os.walk(dest):
        for f in files:
            p = os.path.join(d, f)
            if p.endswith(suffix):
                hits.append(p)
    return hits


def test_install_tree_has_every_piece():
    dest, opts = install_tree()
    try:
        prefix = dest + opts["prefix"]
        share = os.path.join(prefix, opts["datadir"])
        for rel in ["dbus-1/system.d/org.callstack.conf", "dbus-1/system-services/org.callstack.service",
                    "polkit-1/actions/org.callstack.policy", "doc/callstack/examples/50-callstack.rules",
                    "doc/callstack/README.md"] + \
                   [f"dbus-1/interfaces/{f}" for f in os.listdir(harness.source_path("dbus")) if f.endswith(".xml")]:
            assert os.path.isfile(os.path.join(share, rel)), rel
        assert os.path.isfile(os.path.join(prefix, opts["mandir"], "man1", "callstackctl.1"))
        ctl = os.path.join(prefix, opts["bindir"], "callstackctl")
        assert os.access(ctl, os.X_OK), ctl
        # Never granted by default: no rules file in polkit's rules.d.
        assert not find(dest, "rules.d/50-callstack.rules")
        # Installed XML parses.
        for f in find(dest, ".xml") + find(dest, ".policy") + find(dest, ".conf"):
            if "/dbus-1/" in f or f.endswith(".policy"):
                ET.parse(f)
        units = find(dest, "/callstackd.service")
        units = [u for u in units if "/systemd/" in u]
        assert len(units) == 1, units
        text = open(units[0]).read()
        assert "@" not in text.replace("@system-service", "").replace("@privileged", "").replace("@resources", ""), \
            "unsubstituted @var@ in the unit"
        assert re.search(r"^ExecStart=" + re.escape(os.path.join(opts["prefix"], opts["bindir"], "callstackd")) + "$",
                         text, re.M), text
        service = open(os.path.join(share, "dbus-1/system-services/org.callstack.service")).read()
        assert re.search(r"^Name=org\.callstack$", service, re.M), service
        # Activation goes through the unit's alias, which only an enabled
        # unit has: `systemctl disable` turns bus activation off too.
        assert re.search(r"^SystemdService=dbus-org\.callstack\.service$", service, re.M), service
        assert re.search(r"^Alias=dbus-org\.callstack\.service$", text, re.M), text
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def test_unit_exposure_at_most_2():
    if not shutil.which("systemd-analyze"):
        harness.skip("systemd-analyze not installed")
    dest, _ = install_tree()
    try:
        unit = [u for u in find(dest, "/callstackd.service") if "/systemd/" in u][0]
        r = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager", unit],
                           capture_output=True, text=True)
        m = re.search(r"Overall exposure level for callstackd.service: ([0-9.]+)", r.stdout + r.stderr)
        if not m and "Unknown option" in r.stderr:
            harness.skip("this systemd-analyze has no --offline")
        assert m, r.stdout + r.stderr
        print(f"systemd-analyze security exposure: {m.group(1)}")
        assert float(m.group(1)) <= MAX_EXPOSURE, r.stdout
    finally:
        shutil.rmtree(dest, ignore_errors=True)


if __name__ == "__main__":
    harness.main(globals())
