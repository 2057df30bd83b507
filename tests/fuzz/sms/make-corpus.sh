#!/bin/sh
# Regenerates the seed corpora of the sms fuzz targets from the unit-test
# vectors: each PDU as hex text and as binary.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$top/tests/fuzz/corpus/sms-pdu
mkdir -p "$out"
for v in "$top"/tests/data/sms/pdu/*.vec; do
        name=$(basename "$v" .vec)
        hex=$(sed -n 's/^pdu: //p' "$v")
        printf '%s' "$hex" > "$out/$name.hex"
        /usr/bin/python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))' "$hex" > "$out/$name.bin"
done
