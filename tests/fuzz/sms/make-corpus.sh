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
# sms-text: the header, body and +CUSD lines of tests/data/sms/{text,ussd}.
out=$top/tests/fuzz/corpus/sms-text
rm -rf "$out"
mkdir -p "$out"
for v in "$top"/tests/data/sms/text/*.vec "$top"/tests/data/sms/ussd/*.vec; do
        name=$(basename "$v" .vec)
        sed -n 's/^line: //p' "$v" | tr -d '\n' > "$out/$name.line"
        if grep -q '^body: ' "$v"; then
                sed -n 's/^body: //p' "$v" | tr -d '\n' > "$out/$name.body"
        fi
done
printf '24/03/15,10:30:00+04' > "$out/time"
