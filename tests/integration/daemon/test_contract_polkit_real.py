#!/usr/bin/python3
"""callstackd with the real polkitd (not the mock) on the private bus, with
our polkit/org.callstack.policy and the example polkit/50-callstack.rules:
a user in group `callstack` may read the identity, another user may not.

The host is left untouched: polkitd runs inside `unshare --mount` where
bind mounts put our policy over /usr/share/polkit-1/actions, our rules over
/etc/polkit-1/rules.d, and a copy of /etc/group that adds the group
`callstack` with member `nobody`.  polkitd resolves the caller's uid from
the bus, then its name and groups through NSS (files) inside that
namespace, so `subject.isInGroup("callstack")` sees the copy.  The callers
are existing users (`nobody` in the group, `daemon` not), because the bus
itself (outside the namespace) must know their uids too.

Skips (exit 77, saying why) when not root, without polkitd, or when mount
namespaces are not allowed here."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402

POLKITD = "/usr/lib/polkit-1/polkitd"
GROUP_GID = 64012    # "callstack", only inside polkitd's namespace


def user_uid(name):
    import pwd
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        harness.skip(f"user {name} does not exist here (needed as a test caller)")


def check_environment():
    harness.require_root("the real polkitd runs as root in a mount namespace")
    if not os.access(POLKITD, os.X_OK):
        harness.skip(f"{POLKITD} is not installed (Debian package polkitd)")
    for tool in ("unshare", "setpriv", "mount"):
        if not shutil.which(tool):
            harness.skip(f"{tool} not found (util-linux)")
    if not os.path.exists("/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf"):
        harness.skip("polkitd's bus policy org.freedesktop.PolicyKit1.conf is missing")
    try:
        import pwd
        pwd.getpwnam("polkitd")
    except KeyError:
        harness.skip("user polkitd does not exist (polkitd drops to it)")
    for d in ("/usr/share/polkit-1/actions", "/etc/polkit-1/rules.d"):
        if not os.path.isdir(d):
            harness.skip(f"{d} does not exist to bind-mount over")
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True, text=True)
    if r.returncode != 0:
        harness.skip(f"mount namespaces are not allowed here: unshare: {r.stderr.strip()}")


def start_real_polkitd(h):
    root = os.path.join(h.tmp, "polkit")
    actions = os.path.join(root, "actions")
    rules = os.path.join(root, "rules.d")
    os.makedirs(actions)
    os.makedirs(rules)
    shutil.copy(harness.source_path("polkit", "org.callstack.policy"), actions)
    shutil.copy(harness.source_path("polkit", "50-callstack.rules"), rules)
    with open("/etc/group") as f:
        group = f.read().rstrip("\n") + "\n"
    if any(line.startswith("callstack:") for line in group.splitlines()):
        harness.skip("this host already has a group callstack; the test needs to define it")
    group += f"callstack:x:{GROUP_GID}:nobody\n"
    with open(os.path.join(root, "group"), "w") as f:
        f.write(group)
    for dirpath, dirs, files in os.walk(root):
        os.chmod(dirpath, 0o755)
        for fn in files:
            os.chmod(os.path.join(dirpath, fn), 0o644)
    script = (
        "set -e\n"
        f"mount --bind {actions} /usr/share/polkit-1/actions\n"
        f"mount --bind {rules} /etc/polkit-1/rules.d\n"
        f"mount --bind {root}/group /etc/group\n"
        f"exec {POLKITD} --no-debug\n")
    log = open(os.path.join(h.tmp, "polkitd.log"), "w+")
    proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                            env=dict(h.env(), G_MESSAGES_DEBUG=""), stdout=log, stderr=subprocess.STDOUT)
    h.extra_procs.append(proc)
    try:
        h.bus.wait_name(harness.POLKIT_NAME, 20, proc, "polkitd")
    except harness.HarnessError as e:
        log.seek(0)
        raise harness.HarnessError(f"{e}\n--- polkitd ---\n{log.read()[-2000:]}") from None
    return None


def test_real_polkitd_group_callstack_allowed_other_user_denied():
    check_environment()
    MEMBER_UID = user_uid("nobody")
    OTHER_UID = user_uid("daemon")
    with harness.Harness(sims=1, polkit=start_real_polkitd, include_polkit_conf=True) as h:
        modem = h.modems()[0]
        # polkitd loaded our actions (its own view, through the bus).
        rc, data, err = h.busctl_call("/org/freedesktop/PolicyKit1/Authority", "org.freedesktop.PolicyKit1.Authority",
                                      "EnumerateActions", "s", "", dest=harness.POLKIT_NAME)
        assert rc == 0, err
        ids = {a[0] for a in data["data"][0]}
        assert set(harness.ALL_ACTIONS) <= ids, set(harness.ALL_ACTIONS) - ids

        rc, data, err = h.busctl_call(modem, "org.callstack.Modem", "GetIdentity", uid=MEMBER_UID)
        assert rc == 0, f"member of group callstack was refused: {err}"
        assert data["data"][0].get("IMEI"), data

        rc, data, err = h.busctl_call(modem, "org.callstack.Modem", "GetIdentity", uid=OTHER_UID)
        assert rc != 0 and ("denied" in err.lower() or "not authorized" in err.lower()), (rc, data, err)

        # The rules file keeps raw AT commands for administrators, even for the group.
        rc, data, err = h.busctl_call(modem, "org.callstack.Modem", "Command", "su", "AT", "0", uid=MEMBER_UID)
        assert rc != 0, f"group callstack may not send raw AT commands: {data}"

        # The same through callstackctl, with its one-line explanation.
        r = h.ctl("identity", uid=OTHER_UID)
        assert r.returncode == 4, (r.returncode, r.stdout, r.stderr)
        assert r.stderr.strip() == ("callstackctl: not authorized to read identity "
                                    "(polkit action org.callstack.modem.identity)"), r.stderr
        assert r.stdout == ""
        r = h.ctl("identity", uid=MEMBER_UID)
        assert r.returncode == 0 and "IMEI: " in r.stdout, (r.returncode, r.stderr)


if __name__ == "__main__":
    harness.main(globals())
