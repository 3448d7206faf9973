#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan) in build-fuzz/ and runs each for a given
# time, printing the executions each reached. Crashes and broken invariants land in
# build-fuzz/findings/<target>/ and make the script fail.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]
# Seeds: the committed fuzz/corpus/<target>/ plus, when ../shared is present, the real AWS
# documents copied at run time into a temporary corpus (never into the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(cbor document document_parse nsm_response nsm_request channel session encoding x509
  kms_cms http_response)

scripts/deps.sh build fuzz
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DNITRO_ATTEST_BUILD_FUZZERS=ON -DNITRO_ATTEST_BUILD_TESTS=OFF -DNITRO_ATTEST_BUILD_TOOLS=OFF \
  >/dev/null
cmake --build build-fuzz -j2 --target $(printf '%s_fuzzer ' "${targets[@]}")

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
shared="../shared/vectors"
status=0
summary=()
for t in "${targets[@]}"; do
  corpus="$work/$t"
  seeds="fuzz/corpus/${t%_parse}"  # document_parse shares document's seeds
  mkdir -p "$corpus" "build-fuzz/findings/$t"
  # Real documents seed the parsers that see them (document) and the text/CBOR layers.
  if [ -d "$shared/real" ]; then
    case "$t" in
      document|document_parse|cbor) cp "$shared"/real/*.cbor "$shared"/negative/*.cbor "$corpus"/ 2>/dev/null || true ;;
      encoding) for f in "$shared"/real/*.cbor; do base64 -w0 "$f" >"$corpus/$(basename "$f").b64"; done ;;
    esac
  fi
  # KMS's public CiphertextForRecipient samples seed the CMS reader.
  if [ "$t" = kms_cms ] && [ -d "$shared/kms" ]; then
    cp "$shared"/kms/*.ber "$corpus"/ 2>/dev/null || true
  fi
  log="build-fuzz/findings/$t/fuzz.log"
  echo "== $t: ${seconds}s"
  # -rss_limit_mb: a leak or an unbounded allocation is a finding, not a slow machine.
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "build-fuzz/${t}_fuzzer" -max_total_time="$seconds" -max_len=20000 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$t/" \
      "$corpus" "$seeds" >"$log" 2>&1; then
    echo "   FINDING: see $log and build-fuzz/findings/$t/"
    status=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo "?")
  summary+=("$(printf '%-14s %12s execs  %8s exec/s  cov %s' "$t" "$execs" "$rate" "$cov")")
done
echo "== executions per target (${seconds}s each)"
printf '%s\n' "${summary[@]}"
exit $status
