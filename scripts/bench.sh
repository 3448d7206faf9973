#!/usr/bin/env bash
# Builds the benchmarks (Release, build-bench/) and prints a table: each figure in docs/second
# and as a ratio to R, OpenSSL's raw P-384 verify rate measured in the same process and round,
# medians over ROUNDS interleaved rounds (the machines are shared and noisy), plus the peak RSS
# of `verifier verify` on one document, the Python binding's rate against C++ on the same
# document (issue 14), then bench/eif_bench.sh (nitro-eif describe on a 1 GiB image against
# sha384sum, issue 12) and bench/batch_bench.sh (batch verification and the CLI's start, issue
# 15). Usage: scripts/bench.sh [ROUNDS] (default 5).
# Environment: BENCH_MIN_TIME (seconds per benchmark and round, default 0.5), BUILD_DIR,
# BENCH_EIF=0 to skip the image benchmark, BENCH_EIF_MIB (image size, default 1024), BENCH_BATCH=0
# to skip the batch benchmark, BENCH_BATCH_DOCS (its document count, default 10000).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
min_time="${BENCH_MIN_TIME:-0.5}"
build="${BUILD_DIR:-build-bench}"
scripts/deps.sh build bench
mkdir -p "$build"
if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DNITRO_ATTEST_BUILD_BENCHMARKS=ON \
         -DNITRO_ATTEST_BUILD_TESTS=OFF &&
       cmake --build "$build" -j2 --target nitro_attest_bench verifier nitro_attest_shared \
         nitro_attest_verify_rate nitro_eif nitro_attest_batch_sample; } >"$build/bench-build.log" 2>&1; then
  cat "$build/bench-build.log" >&2
  exit 1
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds ..." >&2
  "$build/nitro_attest_bench" --benchmark_min_time="$min_time" \
    --benchmark_enable_random_interleaving=true --benchmark_format=json \
    >"$out/round$r.json" 2>"$out/round$r.err" || { cat "$out/round$r.err" >&2; exit 1; }
done

# Peak RSS (KiB) of one `verifier verify` on an emulator document, three runs.
"$build/nitro_attest_bench" --write-sample "$out/sample"
for i in 1 2 3; do
  /usr/bin/time -f %M -o "$out/rss$i" "$build/verifier" verify --root "$out/sample/root.pem" --any-image \
    "$out/sample/doc.cbor" >/dev/null
done

# Python Verifier.verify against C++ Verifier::Verify, the same document and policy, interleaved.
for r in $(seq 1 "$rounds"); do
  "$build/nitro_attest_verify_rate" "$out/sample/doc.cbor" "$out/sample/root.pem" "$min_time" \
    >"$out/cpp$r"
  NITRO_ATTEST_LIBRARY="$build/libnitro_attest.so" PYTHONPATH=python PYTHONDONTWRITEBYTECODE=1 \
    python3 bench/python_bench.py "$out/sample/doc.cbor" "$out/sample/root.pem" "$min_time" \
    >"$out/py$r"
done

python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
runs = []
for r in range(1, rounds + 1):
    with open(f"{out}/round{r}.json") as f:
        data = json.load(f)
    runs.append({b["name"]: b.get("items_per_second", 0.0) for b in data["benchmarks"]
                 if b.get("run_type", "iteration") == "iteration"})
R = "BM_OpensslRawVerify/real_time"
rows = [
    ("OpenSSL raw P-384 verify (R)", R, None),
    ("es384::VerifyRaw (built backend)", "BM_Es384VerifyRaw/real_time", None),
    ("parse only", "BM_Parse/real_time", None),
    ("verify cold, 1 thread", "BM_VerifyCold/real_time/threads:1", ">= 0.25 R"),
    ("verify warm, 1 thread", "BM_VerifyWarm/real_time/threads:1", ">= 1.6 R"),
    ("verify cold, 2 threads", "BM_VerifyCold/real_time/threads:2", None),
    ("verify warm, 2 threads", "BM_VerifyWarm/real_time/threads:2", None),
    ("emulator attestation", "BM_EmulatorAttestation/real_time", None),
    ("challenge round trip (unix)", "BM_ChallengeRoundTrip/real_time", None),
    ("KMS decrypt, new key+doc per call", "BM_KmsDecryptPerCall/real_time", None),
    ("KMS decrypt, key+doc reused", "BM_KmsDecryptReusing/real_time", None),
    ("RSA-2048 key generation", "BM_Rsa2048Keygen/real_time", None),
]
def med(xs):
    return statistics.median(xs) if xs else float("nan")
def verdict(value, target):
    return "" if target is None else ("MET" if value >= target else "MISSED")
print(f"\n{rounds} rounds; medians (min..max) of docs/s and of the per-round ratio to R\n")
print(f"{'benchmark':36} {'per second':>12} {'(min..max)':>19} {'x R':>7}  target")
for label, name, target in rows:
    vals = [run[name] for run in runs if name in run]
    ratios = [run[name] / run[R] for run in runs if name in run and run.get(R)]
    t = "" if target is None else target
    status = ""
    if target is not None:
        status = verdict(med(ratios), float(target.split()[1]))
    print(f"{label:36} {med(vals):12.0f} {min(vals):9.0f}..{max(vals):<9.0f} {med(ratios):7.3f}  "
          f"{t} {status}")
print()
for kind in ("Cold", "Warm"):
    one, two = f"BM_Verify{kind}/real_time/threads:1", f"BM_Verify{kind}/real_time/threads:2"
    s = [run[two] / run[one] for run in runs if run.get(one) and two in run]
    print(f"scaling {kind.lower():4} 2 threads / 1 thread: {med(s):5.2f}x (min {min(s):.2f}, "
          f"max {max(s):.2f})  target >= 1.8x {'MET' if med(s) >= 1.8 else 'MISSED'}")
per_call, reuse = "BM_KmsDecryptPerCall/real_time", "BM_KmsDecryptReusing/real_time"
k = [run[reuse] / run[per_call] for run in runs if run.get(per_call) and reuse in run]
if k:
    print(f"KMS decrypts/s, reusing / per call: {med(k):5.1f}x (min {min(k):.1f}, max {max(k):.1f})"
          f"  target >= 10x {'MET' if med(k) >= 10 else 'MISSED'}")
cpp = [float(open(f"{out}/cpp{r}").read()) for r in range(1, rounds + 1)]
py = [json.load(open(f"{out}/py{r}")) for r in range(1, rounds + 1)]
print(f"C++ Verifier::Verify, one document, warm: {med(cpp):.0f}/s")
for kind, label in (("kwargs", "policy as keyword arguments"), ("policy", "a reused Policy")):
    ratios = [p[kind] / c for p, c in zip(py, cpp)]
    print(f"Python Verifier.verify, {label}: {med([p[kind] for p in py]):.0f}/s, "
          f"{med(ratios):.3f}x C++ (min {min(ratios):.3f}, max {max(ratios):.3f})  "
          f"target >= 0.9x {'MET' if med(ratios) >= 0.9 else 'MISSED'}")
rss = sorted(int(open(f"{out}/rss{i}").read().split()[-1]) for i in (1, 2, 3))
mb = rss[1] / 1024
print(f"peak RSS of `verifier verify` (one document): {mb:.1f} MiB (median of 3; "
      f"{rss[0]}..{rss[2]} KiB)  target <= 10 MB {'MET' if rss[1] * 1024 <= 10_000_000 else 'MISSED'}")
PY

if [ "${BENCH_BATCH:-1}" != 0 ]; then
  bench/batch_bench.sh "$build" "$rounds"
fi

if [ "${BENCH_EIF:-1}" != 0 ]; then
  bench/eif_bench.sh "$build/nitro-eif" "$rounds" "${BENCH_EIF_MIB:-1024}"
fi
