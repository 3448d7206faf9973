#!/usr/bin/env bash
# Issue 15's benchmark, run by scripts/bench.sh (not in CI). Prints, with the targets:
#  (a) one `verifier verify` of a real document (--at document) against `openssl version`, both
#      as processes (hyperfine, interleaved runs): target <= 1.3x;
#  (b) N emulator documents of one chain (default 10,000) in one `verifier verify --each-line
#      --json` process, one job and two jobs, against the library's warm rate (one Verifier, one
#      thread, documents already decoded): targets >= 0.8x on one job, two jobs >= 1.8x one job;
#      and the batch's peak RSS: target < 16 MB;
#  (c) the real documents in one process (--at document) against one process per document:
#      target >= 5x.
# Usage: bench/batch_bench.sh BUILD_DIR [ROUNDS]   (BUILD_DIR holds verifier,
# nitro_attest_batch_sample and nitro_attest_verify_rate).
# Environment: BENCH_BATCH_DOCS (N), NITRO_ATTEST_SHARED_DIR.
set -euo pipefail
build="$(cd "$1" && pwd)"
rounds="${2:-3}"
n="${BENCH_BATCH_DOCS:-10000}"
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="${NITRO_ATTEST_SHARED_DIR:-$here/../shared}"
real="$shared/vectors/real"
verifier="$build/verifier"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
command -v hyperfine >/dev/null || { echo "batch_bench: hyperfine is missing (scripts/deps.sh bench)" >&2; exit 1; }

echo "batch benchmark: writing $n emulator documents ..." >&2
mkdir -p "$out/b"
"$build/nitro_attest_batch_sample" write "$out/b" "$n"
policy=(--root "$out/b/root.pem" --any-image)
for r in $(seq 1 "$rounds"); do
  echo "batch round $r/$rounds ..." >&2
  "$build/nitro_attest_verify_rate" "$out/b/doc.cbor" "$out/b/root.pem" 2 >"$out/lib$r"
  for j in 1 2; do
    /usr/bin/time -f '%e %M' -o "$out/batch$j.$r" "$verifier" verify "$out/b/docs.b64" --each-line \
      --json --jobs "$j" "${policy[@]}" >/dev/null 2>"$out/batch$j.$r.err" ||
      { cat "$out/batch$j.$r.err" >&2; exit 1; }
  done
done

have_real=0
if [ -d "$real" ]; then
  have_real=1
  docs=("$real"/*.cbor)
  one="$real/anjuna_attester_full_2024-01.cbor"
  [ -f "$one" ] || one="${docs[0]}"
  args="--at document --any-image --allow-debug"
  echo "process benchmarks (hyperfine) ..." >&2
  hyperfine -N -w 20 -r $((100 * rounds)) --export-json "$out/a.json" "openssl version" \
    "$verifier verify $one $args" >/dev/null 2>&1
  printf '%s\n' "${docs[@]}" >"$out/docs.list"
  hyperfine -w 2 -r $((5 * rounds)) --export-json "$out/c.json" \
    "$verifier verify ${docs[*]} $args" \
    "while read -r f; do $verifier verify \"\$f\" $args >/dev/null; done < $out/docs.list" \
    >/dev/null 2>&1
fi

python3 - "$out" "$rounds" "$n" "$have_real" <<'PY'
import json, statistics, sys
out, rounds, n, have_real = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
med = statistics.median
def met(ok):
    return "MET" if ok else "MISSED"
print(f"\nbatch verification (issue 15), {rounds} rounds, medians")
if have_real:
    a = {r["command"]: r for r in json.load(open(f"{out}/a.json"))["results"]}
    base = a.pop("openssl version")
    (cmd, ver), = a.items()
    ra = ver["median"] / base["median"]
    print(f"(a) verifier verify, one real document: {ver['median']*1e3:.2f} ms; openssl version: "
          f"{base['median']*1e3:.2f} ms; ratio {ra:.2f}x  target <= 1.3x {met(ra <= 1.3)}")
lib = [float(open(f"{out}/lib{r}").read()) for r in range(1, rounds + 1)]
def batch(j):
    runs = [open(f"{out}/batch{j}.{r}").read().split() for r in range(1, rounds + 1)]
    return [n / float(t) for t, _ in runs], [int(m) for _, m in runs]
(b1, m1), (b2, m2) = batch(1), batch(2)
r1 = med([x / y for x, y in zip(b1, lib)])
r2 = med([x / y for x, y in zip(b2, b1)])
print(f"(b) library warm rate, one thread: {med(lib):.0f} docs/s")
print(f"    batch of {n} (--each-line --json), 1 job: {med(b1):.0f} docs/s, {r1:.2f}x the library"
      f"  target >= 0.8x {met(r1 >= 0.8)}")
print(f"    batch, 2 jobs: {med(b2):.0f} docs/s, {r2:.2f}x one job ({med(b2)/med(lib):.2f}x the "
      f"library)  target >= 1.8x {met(r2 >= 1.8)}")
rss = max(m1 + m2)
print(f"    peak RSS of the batch: {rss/1024:.1f} MiB (largest of every run)  target < 16 MB "
      f"{met(rss * 1024 < 16_000_000)}")
if have_real:
    c = json.load(open(f"{out}/c.json"))["results"]
    one, many = c[0]["median"], c[1]["median"]
    count = len(open(f"{out}/docs.list").read().split())
    print(f"(c) {count} real documents (--at document): one process {one*1e3:.1f} ms, one process each "
          f"{many*1e3:.1f} ms: {many/one:.1f}x  target >= 5x {met(many / one >= 5)}")
else:
    print("(a), (c): skipped: no real documents (../shared/vectors/real)")
PY
