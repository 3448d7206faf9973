#!/usr/bin/env bash
# Builds nitro-attest and runs the main job. Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNITRO_ATTEST_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

# The end-to-end demo, on the INSECURE NSM emulator: nsm-emulator plays /dev/nsm,
# `enclave_app serve` plays the enclave, `verifier fetch` plays the parent instance.
# Exit 0 only if every step behaved as expected.

bin="$PWD/build"
work="$(mktemp -d /tmp/nitro-attest-demo.XXXXXX)"
pids=()
passed=0
failed=0

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$failed" -eq 0 ]; then
    rm -rf "$work"
  else
    echo "(logs kept in $work)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -t 1 ]; then
  b=$'\033[1m' g=$'\033[32m' r=$'\033[31m' n=$'\033[0m'
else
  b='' g='' r='' n=''
fi
bold() { printf '\n%s%s%s\n' "$b" "$*" "$n"; }
say() { printf '  %s\n' "$*"; }
cmd() { printf '  $ %s\n' "$*"; }
ok() { printf '  %sPASS%s %s\n' "$g" "$n" "$*"; passed=$((passed + 1)); }
bad() { printf '  %sFAIL%s %s\n' "$r" "$n" "$*"; failed=$((failed + 1)); }
indent() { sed 's/^/      /'; }

# wait_for FILE: the servers create their socket only once they accept (bounded: 10 s).
wait_for() {
  local i
  for i in $(seq 1 100); do
    [ -S "$1" ] && return 0
    sleep 0.1
  done
  echo "timed out waiting for $1" >&2
  return 1
}

# wait_for_log FILE PATTERN: sessions are logged just after the parent's last message.
wait_for_log() {
  local i
  for i in $(seq 1 50); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# run NAME CMD...: runs a command, keeping stdout in $work/NAME.out, stderr in NAME.err, and
# its exit status in $rc.
run() {
  local name="$1"
  shift
  set +e
  "$@" >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  set -e
}

# serve NAME [ARGS...]: starts an enclave (enclave_app serve) on unix:$work/NAME.sock.
serve() {
  local name="$1"
  shift
  "$bin/enclave_app" --emulator "unix:$work/nsm.sock" serve --listen "unix:$work/$name.sock" \
    "$@" 2>"$work/$name.log" &
  pids+=($!)
  wait_for "$work/$name.sock"
}

sha384() { printf '%s' "$1" | openssl dgst -sha384 -r | cut -d' ' -f1; }

cd "$work"
bold "nitro-attest demo: a parent challenges an enclave, verifies it, then hands it a secret"
say "Everything runs here on the INSECURE NSM emulator; on Nitro the same tools use /dev/nsm"
say "and vsock (docs/nitro.md). Working directory: $work"

# ---------------------------------------------------------------------------------------------
bold "1. The enclave image, its measurements, and the emulated NSM booted from them"
say "A stand-in enclave image: a placeholder kernel, a bootstrap ramdisk, and an application"
say "ramdisk holding this build's enclave_app. nitro-eif builds it reproducibly (no Docker)."
mkdir -p bootstrap/dev app/bin
printf '#!/bin/sh\nexec /bin/enclave_app serve\n' >bootstrap/init
chmod 755 bootstrap/init
cp "$bin/enclave_app" app/bin/enclave_app
printf 'nitro-attest demo: a stand-in kernel (not bootable)\n' >kernel
cmd "nitro-eif ramdisk bootstrap -o bootstrap.cpio.gz; nitro-eif ramdisk app -o app.cpio.gz"
"$bin/nitro-eif" ramdisk bootstrap -o bootstrap.cpio.gz >/dev/null 2>&1
"$bin/nitro-eif" ramdisk app -o app.cpio.gz >/dev/null 2>&1
cmd "nitro-eif build --kernel kernel --cmdline 'console=ttyS0' --ramdisk bootstrap.cpio.gz --ramdisk app.cpio.gz --name demo -o demo.eif > measurements.json"
run build "$bin/nitro-eif" build --kernel kernel --cmdline "console=ttyS0" \
  --ramdisk bootstrap.cpio.gz --ramdisk app.cpio.gz --name demo -o demo.eif
cp build.out measurements.json
say "measurements.json, the same JSON \`nitro-cli build-enclave\` prints:"
indent <measurements.json
"$bin/nitro-eif" build --kernel kernel --cmdline "console=ttyS0" --ramdisk bootstrap.cpio.gz \
  --ramdisk app.cpio.gz --name demo -o demo-again.eif >/dev/null 2>&1
if [ "$rc" -eq 0 ] && cmp -s demo.eif demo-again.eif; then
  ok "built twice: byte-identical images ($(stat -c %s demo.eif) bytes)"
else
  bad "the image build is not reproducible (exit $rc): $(cat build.err)"
fi
cmd "nitro-eif describe demo.eif --text"
run describe "$bin/nitro-eif" describe demo.eif --text
grep -E '^(EIF|CRC|PCR[0-2])' describe.out | cut -c1-150 | indent
pcr0="$(grep -o '"PCR0": "[0-9a-f]*"' measurements.json | cut -d'"' -f4)"
if [ "$rc" -eq 0 ] && grep -q "PCR0: $pcr0" describe.out; then
  ok "describe reads the image back strictly: CRC matches, PCR0-2 as the build printed"
else
  bad "describe disagrees with the build (exit $rc)"
fi
cmd "nsm-emulator --listen nsm.sock --root-out emulator-root.pem --pcrs-from-eif demo.eif &"
"$bin/nsm-emulator" --listen "$work/nsm.sock" --root-out "$work/emulator-root.pem" \
  --pcrs-from-eif "$work/demo.eif" 2>"$work/nsm.log" &
pids+=($!)
wait_for "$work/nsm.sock"
say "The emulator (an INSECURE stand-in for the Nitro hypervisor) boots with the image's PCR0-2,"
say "as a real enclave running demo.eif would. The verifier pins them from measurements.json."
say "The emulator signs with its own chain; the parent trusts it only because we pass"
say "--root emulator-root.pem (real documents chain to the pinned AWS Nitro root)."

bold "2. The enclave serves the challenge protocol"
cmd "enclave_app --emulator unix:nsm.sock serve --listen unix:enclave.sock &"
serve enclave
indent <enclave.log

# ---------------------------------------------------------------------------------------------
bold "3. The parent fetches a fresh document, verifies it, and delivers a secret"
printf 'postgres://app:s3cr3t-from-the-parent@db/prod' >secret.txt
policy=(--root emulator-root.pem --pcrs-from measurements.json --max-age 60)
cmd "verifier fetch --connect unix:enclave.sock ${policy[*]} --send-secret secret.txt --save-document recorded.cbor"
run fetch "$bin/verifier" fetch --connect "unix:$work/enclave.sock" "${policy[@]}" \
  --send-secret secret.txt --save-document recorded.cbor
grep -E '^(VERIFIED|module_id|PCR[0-2]:|nonce|public_key|SECRET)' fetch.out | cut -c1-150 | indent
secret_sha="$(sha256sum secret.txt | cut -d' ' -f1)"
if [ "$rc" -eq 0 ] && grep -q "SECRET DELIVERED" fetch.out; then
  ok "verified (exit 0): signature, chain to the emulator root, PCR0-2, the fresh nonce, age"
else
  bad "expected exit 0 and a delivered secret, got exit $rc: $(cat fetch.err)"
fi
say "Inside the enclave (its log; it prints the SHA-256 of what it opened, never the secret):"
if wait_for_log enclave.log "secret opened inside the enclave"; then
  grep "secret opened" enclave.log | indent
fi
say "SHA-256 of secret.txt on the parent: $secret_sha"
if grep -q "secret opened inside the enclave: .* SHA-256 $secret_sha" enclave.log; then
  ok "the enclave opened exactly the parent's secret and proved it (HMAC over the transcript)"
else
  bad "the enclave's log does not show the secret being opened"
fi

# ---------------------------------------------------------------------------------------------
# expect_rejection NAME CODE LOG: the fetch must exit 1 with CODE, and no secret may leave.
expect_rejection() {
  local name="$1" code="$2" log="$3"
  grep -E '^(REJECTED|No secret)' "$name.err" | cut -c1-150 | indent
  if [ "$rc" -eq 1 ] && grep -q "REJECTED: $code" "$name.err" &&
    grep -q "No secret was sent" "$name.err"; then
    ok "rejected with $code (exit 1); no secret was sent"
  else
    bad "expected exit 1 with $code, got exit $rc: $(head -c 300 "$name.err")"
  fi
  if wait_for_log "$log" "parent rejected the document: $code"; then
    say "enclave side: $(grep "parent rejected the document: $code" "$log" | tail -1 |
      sed 's/^enclave_app: //')"
  else
    bad "the enclave did not see the rejection"
  fi
}

bold "4. Rejected: the enclave runs other code than the policy expects (wrong PCR0)"
sed "s/\"PCR0\": \"$pcr0\"/\"PCR0\": \"$(sha384 'some other image')\"/" measurements.json \
  >other-measurements.json
cmd "verifier fetch --connect unix:enclave.sock --root emulator-root.pem --pcrs-from other-measurements.json --send-secret secret.txt"
run wrong-pcr "$bin/verifier" fetch --connect "unix:$work/enclave.sock" --root emulator-root.pem \
  --pcrs-from other-measurements.json --send-secret secret.txt
expect_rejection wrong-pcr pcr_mismatch enclave.log

bold "5. Rejected: a tampered document (an enclave that flips one signature bit)"
cmd "enclave_app --emulator unix:nsm.sock serve --listen unix:tamper.sock --demo-tamper &"
serve tamper --demo-tamper
cmd "verifier fetch --connect unix:tamper.sock ${policy[*]} --send-secret secret.txt"
run tamper "$bin/verifier" fetch --connect "unix:$work/tamper.sock" "${policy[@]}" \
  --send-secret secret.txt
expect_rejection tamper bad_signature tamper.log

bold "6. Rejected: a replayed document (the genuine one recorded in step 3, sent again)"
say "Every challenge carries a fresh 32-byte random nonce and the document must carry it back,"
say "so a recorded answer cannot satisfy a new challenge, however genuine it is."
cmd "enclave_app --emulator unix:nsm.sock serve --listen unix:replay.sock --demo-replay recorded.cbor &"
serve replay --demo-replay recorded.cbor
cmd "verifier fetch --connect unix:replay.sock ${policy[*]} --send-secret secret.txt"
run replay "$bin/verifier" fetch --connect "unix:$work/replay.sock" "${policy[@]}" \
  --send-secret secret.txt
expect_rejection replay nonce_mismatch replay.log

bold "7. Rejected: the emulator is not AWS (same enclave, without --root)"
cmd "verifier fetch --connect unix:enclave.sock --pcrs-from measurements.json --send-secret secret.txt"
run aws-root "$bin/verifier" fetch --connect "unix:$work/enclave.sock" \
  --pcrs-from measurements.json --send-secret secret.txt
expect_rejection aws-root untrusted_root enclave.log

if [ "$(grep -c 'secret opened' enclave.log tamper.log replay.log | awk -F: '{s += $2} END {print s}')" -eq 1 ]; then
  ok "across all sessions, the enclaves opened exactly one secret: the one from step 3"
else
  bad "a secret reached an enclave in a rejected session"
fi

# ---------------------------------------------------------------------------------------------
bold "8. The stdio flow: enclave_app attest | verifier verify"
nonce="$(openssl rand -hex 32)"
cmd "enclave_app --emulator unix:nsm.sock attest --nonce $nonce | verifier verify - --root emulator-root.pem --pcrs-from measurements.json --nonce $nonce --max-age 60"
set +e
"$bin/enclave_app" --emulator "unix:$work/nsm.sock" attest --nonce "$nonce" 2>attest.err |
  tee attest.b64 | "$bin/verifier" verify - "${policy[@]}" --nonce "$nonce" >stdio.out 2>stdio.err
statuses=("${PIPESTATUS[@]}")
set -e
rc=$((statuses[0] != 0 ? 2 : statuses[2]))
head -1 stdio.out | cut -c1-150 | indent
if [ "$rc" -eq 0 ]; then
  ok "verified (exit 0)"
else
  bad "expected exit 0, got $rc: $(cat attest.err stdio.err)"
fi
other_nonce="$(openssl rand -hex 32)"
cmd "verifier verify attest.b64 ... --nonce $other_nonce   # that document, another nonce"
run stdio-replay "$bin/verifier" verify attest.b64 "${policy[@]}" --nonce "$other_nonce"
grep '^REJECTED' stdio-replay.err | cut -c1-150 | indent
if [ "$rc" -eq 1 ] && grep -q "REJECTED: nonce_mismatch" stdio-replay.err; then
  ok "rejected with nonce_mismatch (exit 1)"
else
  bad "expected exit 1 with nonce_mismatch, got exit $rc"
fi

# ---------------------------------------------------------------------------------------------
bold "Result"
if [ "$failed" -eq 0 ]; then
  say "all $passed checks behaved as expected"
  exit 0
fi
say "$failed of $((passed + failed)) checks did not behave as expected"
exit 1
