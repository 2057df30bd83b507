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
# sms-text: the header, +CUSD and body lines of the unit tests.
out=$top/tests/fuzz/corpus/sms-text
mkdir -p "$out"
grep -ho '"+C[A-Z]*: [^;]*' "$top"/tests/unit/sms/test-sms-text.c | sed 's/^"//; s/",* *SMS_CHARSET.*//; s/"$//; s/\\"/"/g; s/\\r\\n//' |
        sort -u | while IFS= read -r line; do
        printf '%s' "$line" > "$out/$(printf '%s' "$line" | md5sum | cut -c1-16)"
done
printf '24/03/15,10:30:00+04' > "$out/time"
printf '041F0440043804320435044200210020041204410442044004350447043000200432002000310035003A00300030' > "$out/c07-body"
