#!/usr/bin/env bash
# The enclave image benchmark (issue 12): `nitro-eif describe` on a 1 GiB image against
# `sha384sum` of the same file, interleaved in the same run, and the peak RSS of describe on
# that image and on a 64 MiB one (it must not grow with the size). The image is built with
# nitro-eif from random parts shaped like a real one: an 8 MiB kernel, a 4 MiB bootstrap
# ramdisk and the rest in one application ramdisk. Both tools read the file from the page
# cache (it was just written; one untimed read of each warms it).
# Usage: bench/eif_bench.sh PATH/TO/nitro-eif [ROUNDS] [SIZE_MIB]     (scripts/bench.sh runs it)
set -euo pipefail
tool="$1"
rounds="${2:-5}"
size_mib="${3:-1024}"
work="$(mktemp -d /tmp/nitro-eif-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

make_image() {  # make_image NAME APP_MIB
  head -c $((8 << 20)) /dev/urandom >"$work/kernel"
  head -c $((4 << 20)) /dev/urandom >"$work/boot"
  head -c $(($2 << 20)) /dev/urandom >"$work/app"
  "$tool" build --kernel "$work/kernel" --cmdline "console=ttyS0" --ramdisk "$work/boot" \
    --ramdisk "$work/app" -o "$work/$1" >/dev/null 2>&1
  rm -f "$work/kernel" "$work/boot" "$work/app"
}

echo "building a ${size_mib} MiB image and a 64 MiB one in $work ..." >&2
make_image big.eif $((size_mib - 12))
make_image small.eif 52
bytes=$(stat -c %s "$work/big.eif")
cat "$work/big.eif" >/dev/null  # warm the page cache

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds ..." >&2
  /usr/bin/time -f "%e %U %S %M" -o "$work/sha.$r" sha384sum "$work/big.eif" >/dev/null
  /usr/bin/time -f "%e %U %S %M" -o "$work/eif.$r" "$tool" describe "$work/big.eif" >/dev/null
done
/usr/bin/time -f "%e %U %S %M" -o "$work/small" "$tool" describe "$work/small.eif" >/dev/null

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "$rounds" "$bytes" "$load_before" "$load_after" "$(nproc)" <<'PY'
import statistics, sys
work, rounds, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def read(name):  # wall seconds, CPU seconds (user + system), peak RSS KiB
    wall, user, system, kib = open(f"{work}/{name}").read().split()[-4:]
    return float(wall), int(kib), float(user) + float(system)
sha = [read(f"sha.{r}") for r in range(1, rounds + 1)]
eif = [read(f"eif.{r}") for r in range(1, rounds + 1)]
ratios = [s[0] / e[0] for s, e in zip(sha, eif)]
mb = size / 1e6
print(f"\nnitro-eif describe on a {size / 2**20:.0f} MiB image, {rounds} interleaved rounds "
      f"(medians; min..max)")
print(f"  sha384sum:          {mb / statistics.median(s[0] for s in sha):7.0f} MB/s "
      f"({min(s[0] for s in sha):.2f}..{max(s[0] for s in sha):.2f} s)")
print(f"  nitro-eif describe: {mb / statistics.median(e[0] for e in eif):7.0f} MB/s "
      f"({min(e[0] for e in eif):.2f}..{max(e[0] for e in eif):.2f} s)")
r = statistics.median(ratios)
print(f"  throughput ratio describe / sha384sum: {r:.2f}x (per round {min(ratios):.2f}.."
      f"{max(ratios):.2f})  target >= 0.9x {'MET' if r >= 0.9 else 'MISSED'}")
rss = max(e[1] for e in eif)
small = read("small")[1]
cpu_sha = statistics.median(s[2] for s in sha)
cpu_eif = statistics.median(e[2] for e in eif)
print(f"  CPU time (user + system): sha384sum {cpu_sha:.2f} s, describe {cpu_eif:.2f} s "
      f"(two SHA-384 streams over the application ramdisk: PCR0 and PCR2)")
print(f"  load average before {sys.argv[4]}, after {sys.argv[5]}, on {sys.argv[6]} CPUs: describe "
      f"needs a second free core to outpace sha384sum; others' load takes that core first")
print(f"  peak RSS of describe: {rss / 1024:.1f} MiB on this image, {small / 1024:.1f} MiB on a "
      f"64 MiB one  target < 16 MB {'MET' if rss * 1024 < 16_000_000 else 'MISSED'}")
PY
