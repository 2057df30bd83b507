#!/usr/bin/python3
"""callstackctl sms send/list/read/delete/watch against a running daemon,
as root and as an unprivileged user (polkit mock decides)."""

import json
import subprocess
import time

from smslib import SMS, harness, wait_incoming

N = "+15555550123"


def test_ctl_sms_send_list_read_delete():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        r = h.ctl("sms", "send", N, "from the command line", "--report", "--validity", "60")
        assert r.returncode == 0, r.stderr
        path = r.stdout.strip()
        assert path.startswith("/org/callstack/SMS/"), r.stdout
        h.wait_property(path, SMS, "State", lambda s: s in ("sent", "delivered"), timeout=10)
        r = h.ctl("sms", "list")
        assert r.returncode == 0 and path.rsplit("/", 1)[1] in r.stdout and "outgoing" in r.stdout, r.stdout
        assert N not in r.stdout and "command line" not in r.stdout, r.stdout
        r = h.ctl("--json", "sms", "list")
        assert json.loads(r.stdout)[0]["path"] == path, r.stdout
        r = h.ctl("sms", "read", path.rsplit("/", 1)[1])
        assert r.returncode == 0 and N in r.stdout and "from the command line" in r.stdout, r.stdout
        r = h.ctl("--json", "sms", "read", path)
        j = json.loads(r.stdout)
        assert j["number"] == N and j["text"] == "from the command line", j
        r = h.ctl("sms", "delete", path)
        assert r.returncode == 0, r.stderr
        r = h.ctl("sms", "list")
        assert "No messages." in r.stdout, r.stdout


def test_ctl_sms_usage_and_denied():
    with harness.Harness(sims=1, allowed=[]) as h:
        for args in (["sms"], ["sms", "send", N], ["sms", "read", "x"], ["sms", "frobnicate"],
                     ["sms", "send", N, "hi", "--validity", "1"], ["sms", "list", "--report"]):
            r = h.ctl(*args)
            assert r.returncode == 2, (args, r.returncode, r.stderr)
        r = h.ctl("sms", "send", N, "hi", uid=harness.NOBODY)
        assert r.returncode == 4 and "org.callstack.sms.send" in r.stderr, (r.returncode, r.stderr)
        r = h.ctl("sms", "list", uid=harness.NOBODY)
        assert r.returncode == 4 and "org.callstack.sms.read" in r.stderr, (r.returncode, r.stderr)
        r = h.ctl("sms", "send", "12", "hi")
        assert r.returncode == 2, (r.returncode, r.stderr)


def test_ctl_sms_watch_prints_safe_info_and_reads_with_permission():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        out = open(f"{h.tmp}/watch.txt", "w+")
        p = h.spawn([harness.callstackctl_path(), "--bus-address", h.bus.address, "sms", "watch", "--count", "2"],
                    stdout=out, stderr=subprocess.STDOUT)
        out2 = open(f"{h.tmp}/watch-read.txt", "w+")
        p2 = h.spawn([harness.callstackctl_path(), "--bus-address", h.bus.address, "--json", "sms", "watch",
                      "--read", "--count", "2"], stdout=out2, stderr=subprocess.STDOUT)
        time.sleep(0.5)
        rec = h.record_signals()
        h.sims[0].control('sms deliver +15555550142 "watch me"')
        h.sims[0].control('sms deliver +15555550142 "and me"')
        wait_incoming(rec, 2)
        p.wait(10)
        p2.wait(10)
        out.seek(0)
        text = out.read()
        assert "incoming" in text and "received" in text, text
        assert "watch me" not in text and "5555550142" not in text, text
        out2.seek(0)
        raw = out2.read()
        lines = [json.loads(line) for line in raw.splitlines() if line.startswith("{")]
        assert [e.get("text") for e in lines] == ["watch me", "and me"], lines
        # Same JSON style as every other --json output: paths not escaped.
        assert '"/org/callstack/SMS/' in raw and "\\/" not in raw, raw


def test_ctl_sms_list_without_modem_says_so():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        rec = h.record_signals()
        h.sims[0].control('sms deliver +15555550142 "kept"')
        path = wait_incoming(rec, 1)[0]
        h.sims[0].control("unplug")
        harness.wait_until(lambda: not h.modems(), 10, "the modem gone")
        r = h.ctl("sms", "list")
        # not "No messages.": the message is still stored and readable
        assert r.returncode == 0 and r.stdout.startswith("No modem present"), r.stdout
        r = h.ctl("sms", "read", path)
        assert r.returncode == 0 and "kept" in r.stdout, (r.stdout, r.stderr)


if __name__ == "__main__":
    harness.main(globals())
