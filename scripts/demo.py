#!/usr/bin/python3
"""callstack demo: runs the built pieces on a simulated modem.

Grows with the project: today it shows the build is complete; the
simulator and daemon tour are added by their issues."""
import argparse
import os
import sys

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--build", default="build")
ap.add_argument("--once", action="store_true", help="exit after the tour")
args = ap.parse_args()
sim = os.path.join(args.build, "tools", "modem-sim", "callstack-modem-sim")
if not os.path.exists(sim):
    print("demo: the simulated modem is not built yet in this tree", file=sys.stderr)
    sys.exit(1)
