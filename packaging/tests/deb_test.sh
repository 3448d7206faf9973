#!/usr/bin/env bash
# The package test (issue 14), run by ctest as package.deb: `cpack -G DEB` makes exactly one .deb
# (not split into components) whose control fields and contents are right; unpacked into an empty
# directory (no dpkg database, no container), its tools report the version and its Python package
# loads its own library.
# Usage: deb_test.sh BUILD_DIR VERSION "TOOL..." [PYTHON]
set -euo pipefail
build=$(cd "$1" && pwd)
version=$2
tools=$3
python=${4:-}
major=${version%%.*}

# shellcheck source=packaging/tests/common.sh
source "$(dirname "$0")/common.sh"

step "cpack -G DEB"
run cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out"
shopt -s nullglob
debs=("$work/out"/*.deb)
[ ${#debs[@]} -eq 1 ] || fail "expected one .deb, got ${#debs[@]}: ${debs[*]}"
deb=${debs[0]}
echo "$(basename "$deb"): $(stat -c %s "$deb") bytes"

step "control fields"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = nitro-attest ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture '$(field Architecture)'"
depends=$(field Depends)
echo "Depends: $depends"
depends_names=$(tr ',|' '\n\n' <<<"$depends" | sed 's/^ *//; s/ .*//')
for dep in libc6 libstdc++6 libssl3 ${python:+python3}; do
  grep -qxF "$dep" <<<"$depends_names" || fail "Depends lacks $dep"
done

step "contents"
dpkg-deb -c "$deb" >"$work/listing"
awk '{print $NF}' "$work/listing" >"$work/contents"
for f in ./usr/lib/libnitro_attest.so.$version ./usr/lib/libnitro_attest.a \
         ./usr/include/nitro_attest/verify.h ./usr/include/nitro_attest/version.h \
         ./usr/lib/pkgconfig/nitro-attest.pc ./usr/lib/cmake/nitro_attest/nitro_attestConfig.cmake \
         ./usr/lib/cmake/nitro_attest/nitro_attestConfigVersion.cmake; do
  grep -qxF "$f" "$work/contents" || fail "the package lacks $f"
done
grep -qF " ./usr/lib/libnitro_attest.so.$major -> " "$work/listing" ||
  fail "the package lacks the libnitro_attest.so.$major link"
for tool in $tools; do
  grep -qxF "./usr/bin/$tool" "$work/contents" || fail "the package lacks /usr/bin/$tool"
  grep -qxF "./usr/share/man/man1/$tool.1" "$work/contents" || fail "the package lacks $tool.1"
done
if [ -n "$python" ]; then
  # Debian's python3 reads /usr/lib/python3/dist-packages.
  grep -qxF ./usr/lib/python3/dist-packages/nitro_attest/__init__.py "$work/contents" ||
    fail "the package lacks the Python package in /usr/lib/python3/dist-packages"
fi
echo "$(wc -l <"$work/contents") entries"

step "unpacked into an empty directory: the tools run"
dpkg-deb -x "$deb" "$work/root"
for tool in $tools; do
  out=$("$work/root/usr/bin/$tool" --version) || fail "$tool --version exited $?"
  [ "$out" = "$tool (nitro-attest) $version" ] || fail "$tool --version said '$out'"
  echo "$out"
done
"$work/root/usr/bin/verifier" --help >"$log" 2>&1 || fail "verifier --help"
if [ -n "$python" ]; then
  PYTHONPATH=$work/root/usr/lib/python3/dist-packages "$python" -c "
import nitro_attest, sys
assert nitro_attest.library_version() == sys.argv[1]
print('python: nitro_attest', nitro_attest.__version__, 'from', nitro_attest.__file__)
" "$version" || fail "the packaged Python package does not load its library"
fi
echo "deb: all checks passed"
