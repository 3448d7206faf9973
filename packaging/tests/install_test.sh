#!/usr/bin/env bash
# The install-and-consume test (issue 14), run by ctest as package.install_and_consume:
#   1. `cmake --install` the build into a temporary prefix; the files a user needs are there;
#   2. the shared library: SONAME libnitro_attest.so.MAJOR, only the public API exported (at most
#      30 dynamic symbols outside nitro_attest:: and nitro_attest_*, none of an internal namespace);
#   3. nothing installed names the build tree, the source tree or the prefix;
#   4. consumers built outside the source tree: C++ with CMake find_package (shared and static),
#      pkg-config, pkg-config --static (fully static); C99 on the C ABI with CMake and
#      pkg-config; each run: an emulator round trip and, when ../shared is there, a real AWS
#      document verified at its own time; find_package refuses the next major version;
#   5. the prefix moved elsewhere: the CMake and pkg-config consumers build and run again;
#   6. every installed tool answers --version with the project's version and has a man page;
#   7. the Python package from the prefix loads the prefix's library (when installed).
# Usage: install_test.sh BUILD_DIR CONSUMER_SOURCE_DIR VERSION "TOOL..." [PYTHON]
set -euo pipefail
build=$(cd "$1" && pwd)
consumer_src=$(cd "$2" && pwd)
version=$3
tools=$4
python=${5:-}
major=${version%%.*}
shared=${NITRO_ATTEST_SHARED_DIR:-${NITRO_ATTEST_SOURCE_DIR:-/nonexistent}/../shared}

# shellcheck source=packaging/tests/common.sh
source "$(dirname "$0")/common.sh"
prefix=$work/prefix

step "cmake --install $build --prefix $prefix"
run cmake --install "$build" --prefix "$prefix"
libdir=$(dirname "$(find "$prefix" -name libnitro_attest.a)")
[ -d "$libdir" ] || fail "no libnitro_attest.a under $prefix"
for f in "$libdir/libnitro_attest.so" "$libdir/libnitro_attest.so.$major" \
         "$libdir/libnitro_attest.so.$version" "$libdir/pkgconfig/nitro-attest.pc" \
         "$libdir/cmake/nitro_attest/nitro_attestConfig.cmake" \
         "$libdir/cmake/nitro_attest/nitro_attestConfigVersion.cmake" \
         "$prefix/include/nitro_attest/verify.h" "$prefix/include/nitro_attest/version.h" \
         "$prefix/include/nitro_attest/export.h"; do
  [ -e "$f" ] || fail "missing $f"
done
grep -q "NITRO_ATTEST_VERSION_STRING \"$version\"" "$prefix/include/nitro_attest/version.h" ||
  fail "version.h does not say $version"

step "shared library: SONAME and exported symbols"
so=$libdir/libnitro_attest.so.$version
soname=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libnitro_attest.so.$major" ] || fail "SONAME is '$soname', not libnitro_attest.so.$major"
nm -D --defined-only -C "$so" | cut -d' ' -f3- >"$work/exports"
public_re='^((vtable|typeinfo|typeinfo name) for )?nitro_attest(::|_)'
outside=$(grep -Ecv "$public_re" "$work/exports" || true)
inside=$(grep -Ec "$public_re" "$work/exports" || true)
echo "exported: $inside in nitro_attest:: and nitro_attest_*, $outside outside"
grep -Ev "$public_re" "$work/exports" | sed 's/^/  outside: /' || true
[ "$outside" -le 30 ] || fail "$outside exported symbols outside nitro_attest:: and nitro_attest_* (at most 30)"
if grep -E '^((vtable|typeinfo|typeinfo name) for )?nitro_attest::[a-z][a-z0-9_]*::' "$work/exports" >"$log"; then
  fail "internal namespaces exported: $(head -n 3 "$log")"
fi
for symbol in 'nitro_attest::Verify(' 'nitro_attest::ParseUnverified(' 'nitro_attest::Version()' \
              'nitro_attest::NsmClient::Attestation(' 'nitro_attest::NsmEmulator::Create('; do
  grep -qF "$symbol" "$work/exports" || fail "$symbol is not exported"
done

step "no build-machine paths in the installed text files"
source_dir=$(cd "$consumer_src/../.." && pwd)
if grep -rIl -e "$build" -e "$source_dir" -e "$prefix" "$libdir/cmake" "$libdir/pkgconfig" \
     "$prefix/include" >"$log"; then
  fail "absolute paths in: $(tr '\n' ' ' <"$log")"
fi

real_doc=""
if [ -f "$shared/vectors/real/FACTS.jsonl" ]; then
  # The first non-debug document; its module_id must come back.
  read -r real_doc real_module < <(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    f = json.loads(line)
    if not f["pcrs012_zero"]:
        print(sys.argv[2] + "/" + f["name"] + ".cbor", f["module_id"]); break
' "$shared/vectors/real/FACTS.jsonl" "$shared/vectors/real")
  echo "real document: $real_doc"
else
  echo "SKIP real-document checks: $shared is absent"
fi

# check_consumer NAME BINARY [ENV...]: runs a consumer, on the real document when there is one.
check_consumer() {
  local name=$1 binary=$2
  shift 2
  env "$@" "$binary" $real_doc >"$log" 2>&1 || fail "$name consumer failed"
  grep -q "^version $version\$" "$log" || fail "$name: wrong version"
  grep -q "^emulator document verified" "$log" || fail "$name: emulator round trip"
  if [ -n "$real_doc" ]; then
    grep -qx "real document verified: $real_module" "$log" || fail "$name: real document"
  fi
  echo "$name: $(tr '\n' ';' <"$log")"
}

# build_consumers PREFIX TAG: the CMake consumer (shared and static) and the pkg-config one.
build_consumers() {
  local p=$1 tag=$2 src=$work/src-$2
  cp -r "$consumer_src" "$src"
  step "[$tag] CMake find_package(nitro_attest $version)"
  run cmake -S "$src" -B "$work/cmake-$tag" -DCMAKE_PREFIX_PATH="$p" -DWANT_VERSION="$version" \
    -DCMAKE_BUILD_TYPE=Release
  run cmake --build "$work/cmake-$tag" -j2
  check_consumer "cmake shared ($tag)" "$work/cmake-$tag/consumer_shared"
  readelf -d "$work/cmake-$tag/consumer_shared" | grep -q "libnitro_attest.so.$major" ||
    fail "consumer_shared does not use libnitro_attest.so.$major"
  check_consumer "cmake static ($tag)" "$work/cmake-$tag/consumer_static"
  check_consumer "cmake C ($tag)" "$work/cmake-$tag/consumer_c"
  if readelf -d "$work/cmake-$tag/consumer_static" | grep -q libnitro_attest; then
    fail "consumer_static needs libnitro_attest.so"
  fi

  step "[$tag] g++ consumer.cc \$(pkg-config --cflags --libs nitro-attest)"
  local pc_path
  pc_path=$(dirname "$(find "$p" -name nitro-attest.pc)")
  # shellcheck disable=SC2046
  run g++ -o "$work/pc-$tag" "$src/consumer.cc" \
    $(PKG_CONFIG_PATH=$pc_path pkg-config --cflags --libs nitro-attest)
  check_consumer "pkg-config shared ($tag)" "$work/pc-$tag" \
    LD_LIBRARY_PATH="$(dirname "$(find "$p" -name libnitro_attest.a)")"

  step "[$tag] cc -std=c99 consumer.c \$(pkg-config --cflags-only-I --libs nitro-attest)"
  # A C program takes the include path only: Cflags carry -std=c++20 for C++ users.
  # shellcheck disable=SC2046
  run cc -std=c99 -Wall -Wextra -Wpedantic -Werror -o "$work/pc-c-$tag" "$src/consumer.c" \
    $(PKG_CONFIG_PATH=$pc_path pkg-config --cflags-only-I --libs nitro-attest)
  check_consumer "pkg-config C ($tag)" "$work/pc-c-$tag" \
    LD_LIBRARY_PATH="$(dirname "$(find "$p" -name libnitro_attest.a)")"
}

build_consumers "$prefix" installed

step "find_package refuses nitro_attest $((major + 1)).0"
if cmake -S "$work/src-installed" -B "$work/cmake-next" -DCMAKE_PREFIX_PATH="$prefix" \
     -DWANT_VERSION="$((major + 1)).0" >"$log" 2>&1; then
  fail "find_package(nitro_attest $((major + 1)).0) succeeded against $version"
fi

step "g++ -static consumer.cc \$(pkg-config --static --cflags --libs nitro-attest)"
# shellcheck disable=SC2046
run g++ -static -o "$work/pc-static" "$work/src-installed/consumer.cc" \
  $(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --static --cflags --libs nitro-attest)
if readelf -d "$work/pc-static" 2>/dev/null | grep -q NEEDED; then
  fail "the static consumer needs shared libraries"
fi
check_consumer "pkg-config static" "$work/pc-static"

step "tools: --version and man pages"
for tool in $tools; do
  out=$("$prefix/bin/$tool" --version) || fail "$tool --version exited $?"
  [ "$out" = "$tool (nitro-attest) $version" ] || fail "$tool --version said '$out'"
  page=$prefix/share/man/man1/$tool.1
  grep -q "^\.TH ${tool^^} 1 .*nitro-attest $version" "$page" || fail "no man page $page"
  grep -qF -- '\-\-version' "$page" || fail "$page lacks --version"
  echo "$out; $(grep -c '^\.SH' "$page") sections in $tool.1"
done

# python_path PREFIX: the directory the package was installed to (python/CMakeLists.txt).
python_path() { dirname "$(find "$1" -path '*/nitro_attest/__init__.py')"; }
if [ -n "$python" ]; then
  step "Python package from the prefix: $(python_path "$prefix")"
  PYTHONPATH=$(dirname "$(python_path "$prefix")") run "$python" -c "
import nitro_attest, sys
assert nitro_attest.__version__ == sys.argv[1], nitro_attest.__version__
assert nitro_attest.library_version() == sys.argv[1]
" "$version"
fi

step "move the prefix: $prefix -> $work/moved"
mv "$prefix" "$work/moved"
build_consumers "$work/moved" moved
if [ -n "$python" ]; then
  PYTHONPATH=$(dirname "$(python_path "$work/moved")") run "$python" -c "import nitro_attest; nitro_attest.library_version()"
fi
echo "install-and-consume: all checks passed"
