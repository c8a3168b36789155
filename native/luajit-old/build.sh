#!/usr/bin/env bash
# native/luajit-old/build.sh -- build a LuaJIT 2.1 from BEFORE the fix of LuaJIT
# issue #1168 (cdata finalizer table not anchored as a GC root), for the case
# cases/luajit-finalizer-uaf.
#
# Usage:  native/luajit-old/build.sh CACHE_DIR [asan|plain] [--status]
#
#   stdout : one line, the absolute path of the built `luajit` executable
#   exit 0 : built (or found in the cache)
#   exit 2 : cannot build here; stderr has one line "luajit-old: <reason>"
#   exit 1 : wrong usage
#
#   With --status nothing is built or fetched; it says what a build would need:
#   exit 0 : built (stdout: its path)
#   exit 3 : not built, but the source is in CACHE_DIR/downloads: building needs no network
#   exit 4 : the source must be downloaded first (`crashcourse prepare` does it)
#
# Profiles
#   asan  (default)  -fsanitize=address, GC64, LUAJIT_USE_SYSMALLOC: every
#                    LuaJIT object is a malloc block that ASan tracks. lj_str.c
#                    is compiled WITHOUT instrumentation: its str_fastcmp reads
#                    up to 3 bytes past a string on purpose, which ASan would
#                    report (global-buffer-overflow) before any Lua code runs.
#                    No LD_PRELOAD is needed: the executable links libasan
#                    itself (a preloaded copy of the same libasan is harmless).
#   plain            upstream default build flags (+ -g): LuaJIT's own
#                    allocator, as a distribution would ship it.
#
# Source
#   The LuaJIT source comes ONLY from a package registry: the sdist of lupa 2.0
#   on PyPI (2023-04-03) bundles LuaJIT 2.1.0-beta3 from early 2023, a year
#   before the fix (the 2024 LuaJIT commits "FFI: Treat cdata finalizer table
#   as a GC root" and "FFI: Turn FFI finalizer table into a proper GC root"). The
#   download is pinned by its sha256 (pip --require-hashes). Only
#   third-party/luajit21 of the sdist is used; lupa itself is not built.
#   pip prepares the sdist's metadata after downloading it, which needs
#   setuptools and Cython from PyPI (about 10 s). The sdist is kept in
#   CACHE_DIR/downloads/ (checked against the hash on every use): a rebuild
#   (the other profile, a new compiler) needs no network.
#
# Cache
#   CACHE_DIR/luajit-old-<key>/bin/luajit (and src/, the built tree), where <key> hashes this script, the
#   sdist hash, the profile, the compiler version and the machine type: a new
#   compiler or an edit of this file builds afresh. The directory is renamed
#   into place only when complete. A build log is kept beside it as
#   CACHE_DIR/luajit-old-<key>.log.
set -uo pipefail

LUPA_VERSION=2.0
LUPA_SHA256=ad3fef486be7adddd349fe9a9c393789061312cf98ebc533b489be34f484cb79
PYTHON=${PYTHON:-python3}

fail() { echo "luajit-old: $*" >&2; exit 2; }

usage() { echo "usage: $0 CACHE_DIR [asan|plain] [--status]" >&2; exit 1; }
[ $# -ge 1 ] && [ $# -le 3 ] || usage
cache=$1
profile=${2:-asan}
status=${3:-}
case $profile in asan|plain) ;; *) usage ;; esac
case $status in ''|--status) ;; *) usage ;; esac

for tool in gcc make tar sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed (apt-get install -y build-essential)"
done
if [ "$profile" = asan ]; then
    libasan=$(gcc -print-file-name=libasan.so)
    [ -e "$libasan" ] || fail "gcc's libasan is not installed (apt-get install -y libasan8)"
fi

mkdir -p "$cache" 2>/dev/null || fail "cannot create cache directory $cache"
cache=$(cd "$cache" && pwd)
key=$( { cat "${BASH_SOURCE[0]}"; echo "$LUPA_SHA256 $profile $(uname -m)"; gcc --version | head -1; } \
       | sha256sum | cut -c1-16 )
out="$cache/luajit-old-$key"
log="$out.log"

sdist_cached="$cache/downloads/lupa-$LUPA_VERSION.tar.gz"

if [ -x "$out/bin/luajit" ]; then
    echo "$out/bin/luajit"
    exit 0
fi
if [ -n "$status" ]; then
    if [ -f "$sdist_cached" ] && echo "$LUPA_SHA256  $sdist_cached" | sha256sum -c --quiet >/dev/null 2>&1; then
        echo "not built; the source is in $sdist_cached"
        exit 3
    fi
    echo "not built; the source (lupa==$LUPA_VERSION sdist) is not downloaded"
    exit 4
fi

work=$(mktemp -d "$cache/.luajit-old-build.XXXXXX") || fail "cannot create a build directory in $cache"
trap 'rm -rf "$work"' EXIT
: > "$log"

# 1. The pinned sdist: from CACHE_DIR/downloads, else fetched from PyPI (the
#    only network this needs) and kept there.
if [ -f "$sdist_cached" ] && echo "$LUPA_SHA256  $sdist_cached" | sha256sum -c --quiet >>"$log" 2>&1; then
    sdist=$sdist_cached
    echo "using $sdist (downloaded before)" >>"$log"
else
    "$PYTHON" -m pip --version >/dev/null 2>&1 || fail "'$PYTHON -m pip' does not work; set PYTHON to a Python with pip"
    echo "lupa==$LUPA_VERSION --hash=sha256:$LUPA_SHA256" > "$work/req.txt"
    "$PYTHON" -m pip download --no-binary :all: --no-deps --require-hashes -r "$work/req.txt" \
        -d "$work/dl" >>"$log" 2>&1 \
        || fail "pip could not download lupa==$LUPA_VERSION (sdist, sha256 $LUPA_SHA256) from PyPI (offline? run 'crashcourse prepare' once with network); see $log"
    sdist="$work/dl/lupa-$LUPA_VERSION.tar.gz"
    [ -f "$sdist" ] || fail "pip did not leave $sdist; see $log"
    echo "$LUPA_SHA256  $sdist" | sha256sum -c --quiet >>"$log" 2>&1 || fail "sha256 mismatch for $sdist"
    { mkdir -p "$cache/downloads" && cp "$sdist" "$sdist_cached.tmp.$$" && mv -f "$sdist_cached.tmp.$$" "$sdist_cached"; } \
        >>"$log" 2>&1 || echo "could not keep $sdist in $cache/downloads" >>"$log"
fi

# 2. Unpack only the bundled LuaJIT 2.1.
tar -xzf "$sdist" -C "$work" "lupa-$LUPA_VERSION/third-party/luajit21" >>"$log" 2>&1 \
    || fail "the sdist has no third-party/luajit21; see $log"
src="$work/lupa-$LUPA_VERSION/third-party/luajit21"
rm -f "$src/.git"   # a submodule pointer into lupa's repository; nothing here needs git
# The sdist also ships the objects, host tools and generated headers of its
# maintainer's own (non-GC64) build: make would happily reuse them. Clean first.
make -C "$src/src" clean >>"$log" 2>&1 || fail "make clean failed; see $log"

# Sanity (a heuristic; the sdist hash is the real pin): this must be the
# unfixed code, where the GC reaches the finalizer table only through ffi.gc's
# environment. A fixed LuaJIT marks it from the root set (gc_mark_start, or a
# g->gcroot slot).
if grep -q 'GCROOT_FFI_FIN' "$src/src/lj_obj.h" \
   || sed -n '/^static void gc_mark_start/,/^}/p' "$src/src/lj_gc.c" | grep -q finalizer; then
    fail "the bundled LuaJIT already has the finalizer-table fix; it cannot show the bug"
fi

# 3. Build the standalone executable. Host tools (minilua, buildvm) are built
#    without sanitizers: TARGET_* flags apply to the target objects only. They
#    are built unoptimized and without debug info too (HOST_CFLAGS comes last
#    on their command lines): they only generate lj_vm.S and the lj_*def.h
#    headers, byte for byte the same either way, and host/minilua.c at -O2 -g
#    alone costs ~7 s of CPU at the head of the build's critical path.
#    Debug info names the sources as they will be installed ($out/src), so
#    ASan reports and gdb point at files that exist after the build.
prefix_map="-fdebug-prefix-map=$src/src=$out/src"
jobs=$(nproc 2>/dev/null || echo 2)
M=(make -C "$src/src" -j"$jobs" BUILDMODE=static CCDEBUG=-g HOST_CFLAGS="-O0 -g0")
if [ "$profile" = asan ]; then
    M+=(CCOPT="-O1 -fno-omit-frame-pointer"
        XCFLAGS="-DLUAJIT_ENABLE_GC64 -DLUAJIT_USE_SYSMALLOC"
        TARGET_LDFLAGS="-fsanitize=address")
    # lj_str.o first, uninstrumented (see "Profiles" above); make keeps it.
    "${M[@]}" TARGET_CFLAGS="$prefix_map" lj_str.o >>"$log" 2>&1 || fail "building lj_str.o failed; see $log"
    "${M[@]}" TARGET_CFLAGS="-fsanitize=address $prefix_map" luajit >>"$log" 2>&1 || fail "make failed; see $log"
else
    "${M[@]}" TARGET_CFLAGS="$prefix_map" luajit >>"$log" 2>&1 || fail "make failed; see $log"
fi

# 4. Smoke test: it runs Lua; the asan build is GC64 (the system allocator is
#    only honoured in GC64 mode on x86_64) and reports a use after free.
ASAN_OPTIONS=detect_leaks=0 "$src/src/luajit" -e 'local ffi = require("ffi"); assert(type(ffi.gc) == "function")' \
    >>"$log" 2>&1 || fail "the built luajit does not run; see $log"
if [ "$profile" = asan ]; then
    ASAN_OPTIONS=detect_leaks=0 "$src/src/luajit" -e 'assert(require("ffi").abi("gc64"), "not GC64")' \
        >>"$log" 2>&1 || fail "the asan build is not in GC64 mode, so ASan cannot see its heap; see $log"
fi

# 5. Install atomically.
mkdir -p "$work/out/bin"
cp "$src/src/luajit" "$work/out/bin/luajit"
mkdir -p "$work/out/src"
cp -r "$src/src/." "$work/out/src/"          # sources (and objects), for gdb's `list` and for reading
cp "$src/COPYRIGHT" "$work/out/" 2>/dev/null || true
cat > "$work/out/BUILDINFO" <<INFO
source:  PyPI sdist lupa==$LUPA_VERSION (sha256 $LUPA_SHA256), third-party/luajit21
version: $("$src/src/luajit" -v 2>/dev/null | head -1)
profile: $profile
command: ${M[*]}
compiler: $(gcc --version | head -1)
INFO
mv -T "$work/out" "$out" 2>/dev/null || [ -x "$out/bin/luajit" ] || fail "cannot install into $out"
echo "$out/bin/luajit"
