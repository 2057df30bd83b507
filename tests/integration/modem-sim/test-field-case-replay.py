#!/usr/bin/python3
"""Replays every field-case AT transcript (tests/data/modem-sim/
field-case-transcripts.txt) through callstack-modem-sim --script and
checks the host side receives exactly the recorded RX lines for each TX
line.  This is what lets other tests stand a daemon in front of a field
case."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modemsim import ModemSim  # noqa: E402

SRC = os.environ.get("CALLSTACK_SOURCE_DIR",
                     os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
DATA = os.path.join(SRC, "tests", "data", "modem-sim", "field-case-transcripts.txt")


def load_blocks():
    blocks, cur = [], None
    with open(DATA, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("== "):
                cur = (line[3:], [])
                blocks.append(cur)
            elif cur and (line.startswith("TX:") or line.startswith("RX:")):
                cur[1].append(line)
    return blocks


def steps(lines):
    """[(tx or None, [expected rx lines])]"""
    out = [(None, [])]
    for l in lines:
        if l.startswith("TX:"):
            out.append((l[3:].strip(), []))
        else:
            rx = l[3:]
            out[-1][1].append(rx[1:] if rx.startswith(" ") else rx)
    # Lines recorded before the first TX come just before its answer.
    if len(out) > 1:
        out[1] = (out[1][0], out[0][1] + out[1][1])
        out = out[1:]
    return out


class TestFieldCaseReplay(unittest.TestCase):
    def replay(self, name, lines):
        with tempfile.TemporaryDirectory(prefix="replay-") as tmp:
            script = os.path.join(tmp, "script.txt")
            with open(script, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            with ModemSim("generic", tmp, extra=["--script", script]) as sim:
                port = sim.open_port()
                for tx, rx in steps(lines):
                    prompt = any(r.strip() == ">" for r in rx)
                    want = [r for r in rx if r.strip() != ">" and r != (tx or "").replace("<Ctrl-Z>", "")]
                    if tx is not None:
                        if tx.endswith("<Ctrl-Z>"):
                            port.write(tx[:-len("<Ctrl-Z>")] + "\x1a")
                        else:
                            port.write(tx + "\r")
                    if prompt:
                        port.read_until(lambda b: b.endswith(b"> "))
                        port.buf = b""
                    got = []
                    echo = (tx or "").replace("<Ctrl-Z>", "")
                    while len(got) < len(want):
                        line = port.next_line()
                        if line is None:
                            port.read_some(0.2)
                            if port.buf == b"" and not port.read_some(2.0):
                                break
                            continue
                        if line != echo:
                            got.append(line)
                    self.assertEqual(got, want, "%s: after TX %r" % (name, tx))
                self.assertIn("script-remaining 0", sim.control("status"), name)

    def test_every_field_case_transcript(self):
        blocks = load_blocks()
        self.assertGreaterEqual(len(blocks), 10)
        for name, lines in blocks:
            with self.subTest(case=name):
                self.replay(name, lines)


if __name__ == "__main__":
    unittest.main(verbosity=2)
