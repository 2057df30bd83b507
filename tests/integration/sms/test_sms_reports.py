#!/usr/bin/python3
"""Delivery reports: delivered, failed, pending then delivered, a multipart
message delivered only when every part is, and a report for an unknown
reference (kept as an orphan; nothing crashes, nothing changes)."""

from smslib import SMS, harness, read, send

N = "+15555550123"


def test_report_delivered():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        h.sims[0].control("net report on")
        p = send(h, h.modems()[0], N, "report me", delivery_report=True)
        h.wait_property(p, SMS, "State", "delivered", timeout=10)
        assert h.get(p, SMS, "DeliveryStatus") == "delivered"
        assert read(h, p)[2]["delivery-status"] == "delivered"


def test_report_stored_cdsi_per_profile():
    # huawei-me909's profile: +CNMI=2,1,0,2,0, reports stored in SR and
    # indicated with +CDSI; read from SR, applied, then deleted there.
    with harness.Harness(sims=1, profiles=["huawei-me909"], allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        assert "AT+CNMI=2,1,0,2,0" in sim.at_log(), sim.at_log()
        sim.control("net report on")
        p = send(h, h.modems()[0], N, "report me via SR", delivery_report=True)
        h.wait_property(p, SMS, "State", "delivered", timeout=10)
        log = sim.at_log()
        assert 'AT+CPMS="SR"' in log, log
        assert int(sim.control("sms count SR")[0]) == 0


def test_report_failed():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        h.sims[0].control("net report fail")
        p = send(h, h.modems()[0], N, "this one fails", delivery_report=True)
        h.wait_property(p, SMS, "State", "failed", timeout=10)
        assert h.get(p, SMS, "DeliveryStatus") == "failed", h.get_all(p, SMS)
        assert read(h, p)[2]["state-reason"] == "delivery-failed"


def test_report_pending_then_delivered():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        p = send(h, h.modems()[0], N, "slow network", delivery_report=True)
        h.wait_property(p, SMS, "State", "sent", timeout=10)
        assert h.get(p, SMS, "DeliveryStatus") == "pending"
        mr = h.get(p, SMS, "Reference")
        sim.control(f"sms report {mr} 32")  # 0x20: SC still trying
        harness.pump(0.5)
        assert h.get(p, SMS, "State") == "sent"
        assert h.get(p, SMS, "DeliveryStatus") == "pending"
        sim.control(f"sms report {mr} 0")
        h.wait_property(p, SMS, "State", "delivered", timeout=5)


def test_report_multipart_aggregate():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        text = "x" * 400  # 3 parts
        p = send(h, h.modems()[0], N, text, delivery_report=True)
        h.wait_property(p, SMS, "State", "sent", timeout=10)
        mrs = list(read(h, p)[2]["message-references"])
        assert len(mrs) == 3 and len(set(mrs)) == 3, mrs
        sim.control(f"sms report {mrs[0]} 0")
        sim.control(f"sms report {mrs[2]} 0")
        harness.pump(0.5)
        assert h.get(p, SMS, "State") == "sent", "delivered before every part was"
        sim.control(f"sms report {mrs[1]} 0")
        h.wait_property(p, SMS, "State", "delivered", timeout=5)


def test_report_multipart_one_failure_fails_message():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        p = send(h, h.modems()[0], N, "y" * 400, delivery_report=True)
        h.wait_property(p, SMS, "State", "sent", timeout=10)
        mrs = list(read(h, p)[2]["message-references"])
        sim.control(f"sms report {mrs[0]} 0")
        sim.control(f"sms report {mrs[1]} 70")  # 0x46: permanent failure
        h.wait_property(p, SMS, "State", "failed", timeout=5)


def test_report_unknown_reference_stored_no_crash():
    with harness.Harness(sims=1, allowed=harness.ALL_ACTIONS) as h:
        sim = h.sims[0]
        p = send(h, h.modems()[0], N, "known", delivery_report=True)
        h.wait_property(p, SMS, "State", "sent", timeout=10)
        mr = h.get(p, SMS, "Reference")
        sim.control(f"sms report {(mr + 100) % 256} 0 --to +15555550999")
        harness.pump(0.5)
        assert h.get(p, SMS, "State") == "sent"
        assert h.daemon.proc.poll() is None
        assert "unknown message reference" in h.daemon.log_text()
        # still serving
        p2 = send(h, h.modems()[0], N, "still alive")
        h.wait_property(p2, SMS, "State", "sent", timeout=10)


if __name__ == "__main__":
    harness.main(globals())
