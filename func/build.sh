#!/usr/bin/env bash
# Builds the example functions in func/ into wasm/<user>/<function>/function.wasm.
#
#   func/build.sh            build all modules into wasm/ and verify them
#   func/build.sh --check    rebuild into a temp dir; fail (naming the files) if
#                            anything differs from the files in wasm/
#   func/build.sh --native   build the benchmarks as native programs into
#                            func/build/native/ (not committed)
#   func/build.sh --list     print the module table
#
# Toolchain: Debian 12 clang-14 + lld-14 + wasi-libc + libclang-rt-14-dev-wasm32.
# The output is byte-for-byte reproducible with that toolchain (no debug info,
# no build paths, no build-id); another clang version builds working modules
# but different bytes, so --check would report them.
#
# Module kinds (see docs/functions.md and docs/abi.md):
#   exec  original API: WASI reactor (-mexec-model=reactor) exporting exec
#         (+ _initialize, memory); no main().
#   host  Faasm host interface: WASI command (main) that also exports malloc
#         (the host allocates __faasm_await_call_output buffers with it) and
#         its function table (for __faasm_chain_ptr).
#   wasi  plain WASI command (main), no Faasm imports.
#   wasi-emul  as wasi, linked with wasi-libc's emulation libraries
#         (process clocks, mman, long double printf/scanf).
# Every module is checked after linking: exports exactly as its kind says,
# `env` imports exactly as listed in the table below, any other import from
# wasi_snapshot_preview1 only, no SIMD/atomics (func/tools/wasm-info.mjs).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FUNC="$ROOT/func"
SYSROOT=${WASI_SYSROOT:-/usr}
CC=${WASM_CC:-clang}

# user      function        source                  kind  env imports (comma separated, - = none)
MODULES='
simon       echo            simon/echo.c            exec  -
simon       echo_exact      simon/echo_exact.c      exec  -
simon       dummy           simon/dummy.c           exec  -
simon       x2              simon/x2.c              exec  -
simon       chain           simon/chain.c           exec  -
simon       print           simon/print.c           exec  -
simon       original        simon/original.c        exec  -
demo        echo            simon/echo.c            exec  -
demo        x2              simon/x2.c              exec  -
demo        hello           demo/hello.c            host  __faasm_write_output
demo        chain_await     demo/chain_await.c      host  __faasm_read_input,__faasm_chain_name,__faasm_await_call_output,__faasm_write_output
demo        chain_ptr       demo/chain_ptr.c        host  __faasm_read_input,__faasm_chain_ptr,__faasm_await_call_output,__faasm_write_output
demo        nested          demo/nested.c           host  __faasm_read_input,__faasm_chain_name,__faasm_await_call_output,__faasm_write_output
demo        upper           demo/upper.c            wasi  -
demo        clock_random    demo/clock_random.c     wasi  -
demo        isolation       demo/isolation.c        wasi  -
demo        state_set       demo/state_set.c        host  __faasm_push_state,__faasm_read_input,__faasm_write_output,__faasm_write_state
demo        state_reader    demo/state_reader.c     host  __faasm_read_input,__faasm_read_state,__faasm_read_state_size,__faasm_write_output
demo        state_writer    demo/state_writer.c     host  __faasm_await_call_output,__faasm_chain_name,__faasm_push_state,__faasm_read_input,__faasm_write_output,__faasm_write_state
demo        state_offset    demo/state_offset.c     host  __faasm_await_call_output,__faasm_chain_ptr,__faasm_flag_state_offset_dirty,__faasm_push_state,__faasm_push_state_partial,__faasm_push_state_partial_mask,__faasm_read_input,__faasm_read_state,__faasm_read_state_offset,__faasm_read_state_offset_ptr,__faasm_read_state_ptr,__faasm_read_state_size,__faasm_write_output,__faasm_write_state,__faasm_write_state_offset
demo        state_append    demo/state_append.c     host  __faasm_append_state,__faasm_await_call,__faasm_chain_ptr,__faasm_clear_appended_state,__faasm_read_appended_state,__faasm_read_input,__faasm_write_output
demo        state_pi        demo/state_pi.c         host  __faasm_append_state,__faasm_await_call,__faasm_chain_ptr,__faasm_clear_appended_state,__faasm_read_appended_state,__faasm_read_input,__faasm_write_output
demo        state_counter   demo/state_counter.c    host  __faasm_await_call,__faasm_chain_ptr,__faasm_lock_state_global,__faasm_lock_state_write,__faasm_pull_state,__faasm_push_state,__faasm_read_input,__faasm_read_state,__faasm_unlock_state_global,__faasm_unlock_state_write,__faasm_write_output,__faasm_write_state
demo        state_hold      demo/state_hold.c       host  __faasm_lock_state_global,__faasm_push_state,__faasm_read_input,__faasm_read_state_size,__faasm_write_output,__faasm_write_state
demo        state_file      demo/state_file.c       host  __faasm_read_input,__faasm_write_output,__faasm_write_state_from_file
bench       fib             bench/fib.c             host  __faasm_read_input,__faasm_write_output
bench       sha256          bench/sha256.c          host  __faasm_read_input,__faasm_write_output
demo        chain_missing   demo/chain_missing.c    host  __faasm_read_input,__faasm_chain_name,__faasm_await_call,__faasm_write_output
demo        print_host      demo/print_host.c       host  __faasm_read_input,__faasm_write_output
demo        files           demo/files.c            wasi  -
demo        entry           demo/entry.c            host  __faasm_conf_flag,__faasm_backtrace,__faasm_write_output
demo        emulated        demo/emulated.c         wasi-emul  -
demo        zygote          demo/zygote.c           host  __faasm_read_input,__faasm_write_output
bad         loop            bad/loop.c              wasi  -
bad         membomb         bad/membomb.c           wasi  -
bad         recurse         bad/recurse.c           wasi  -
bad         trap            bad/trap.c              wasi  -
bad         exit3           bad/exit3.c             wasi  -
bad         bigout          bad/bigout.c            host  __faasm_write_output
bad         stub            bad/stub.c              host  __faasm_sm_critical_local,__faasm_write_output
bad         unknown_import  bad/unknown_import.c    host  not_a_faasm_function
'

COMMON_FLAGS=(
  --target=wasm32-wasi --sysroot="$SYSROOT"
  -O2 -Wall -Wextra -Werror
  -I"$FUNC/include" -I"$FUNC/include/faasm"
  # reproducibility: no absolute paths in __FILE__ & co, no debug info (wasm-ld 14 writes no build-id)
  -ffile-prefix-map="$ROOT/=" -fno-ident
  -Wl,--strip-debug
  # shadow stack below the data: overflowing it traps instead of corrupting data
  -Wl,--stack-first -Wl,-z,stack-size=65536
)
EXEC_FLAGS=(-mexec-model=reactor)
HOST_FLAGS=(-mexec-model=command -Wl,--export=malloc -Wl,--export-table)
WASI_FLAGS=(-mexec-model=command)
# plain WASI with wasi-libc's emulation libraries: clock() and friends, mmap/munmap, long double printf/scanf
WASI_EMUL_FLAGS=(-mexec-model=command -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_MMAN)
WASI_EMUL_LIBS=(-lwasi-emulated-process-clocks -lwasi-emulated-mman -lc-printscan-long-double)

die() { echo "build.sh: $*" >&2; exit 1; }

check_toolchain() {
  local missing=()
  command -v "$CC" >/dev/null 2>&1 || missing+=("$CC")
  command -v wasm-ld >/dev/null 2>&1 || missing+=(wasm-ld)
  [[ -f "$SYSROOT/lib/wasm32-wasi/libc.a" ]] || missing+=("$SYSROOT/lib/wasm32-wasi/libc.a")
  if [[ ${#missing[@]} -eq 0 ]] &&
     ! "$CC" --target=wasm32-wasi -print-libgcc-file-name 2>/dev/null | xargs test -f; then
    missing+=("libclang_rt.builtins-wasm32.a")
  fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "build.sh: missing toolchain pieces: ${missing[*]}" >&2
    echo "install them with:" >&2
    echo "  sudo apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32" >&2
    echo "  (Debian 12; the plain 'clang' and 'lld' packages provide the clang / wasm-ld names)" >&2
    exit 1
  fi
  local version
  version=$("$CC" --version | head -n1)
  if [[ "$version" != *"clang version 14."* ]]; then
    echo "build.sh: warning: $version is not clang 14; the modules will work but not be byte-identical to the committed ones" >&2
  fi
}

# build_one <outdir> <user> <function> <source> <kind>
build_one() {
  local outdir=$1 user=$2 fn=$3 src=$4 kind=$5
  local out="$outdir/$user/$fn/function.wasm"
  local flags libs=()
  case "$kind" in
    exec) flags=("${EXEC_FLAGS[@]}") ;;
    host) flags=("${HOST_FLAGS[@]}") ;;
    wasi) flags=("${WASI_FLAGS[@]}") ;;
    wasi-emul) flags=("${WASI_EMUL_FLAGS[@]}"); libs=("${WASI_EMUL_LIBS[@]}") ;;
    *) die "unknown kind $kind for $user/$fn" ;;
  esac
  mkdir -p "$(dirname "$out")"
  # Run from the repository root with a relative source path: nothing machine-specific reaches the module.
  (cd "$ROOT" && "$CC" "${COMMON_FLAGS[@]}" "${flags[@]}" "func/$src" ${libs[@]+"${libs[@]}"} -o "$out.tmp")
  mv "$out.tmp" "$out"
}

# verify_one <file> <kind> <env imports>
verify_one() {
  local file=$1 kind=$2 envs=$3
  local info expected_exports actual_exports expected_env actual_env other
  info=$(node "$FUNC/tools/wasm-info.mjs" --check-features "$file") || { echo "$file: feature check failed" >&2; return 1; }
  case "$kind" in
    exec) expected_exports=$'_initialize\nexec\nmemory' ;;
    host) expected_exports=$'__indirect_function_table\n_start\nmalloc\nmemory' ;;
    wasi|wasi-emul) expected_exports=$'_start\nmemory' ;;
  esac
  # _faasm_zygote (a Proto-Faaslet's initialiser) is an optional extra export of any command
  actual_exports=$(awk '$1 == "export" && $2 != "_faasm_zygote" { print $2 }' <<<"$info" | LC_ALL=C sort)
  if [[ "$actual_exports" != "$expected_exports" ]]; then
    echo "$file: exports are [$(tr '\n' ' ' <<<"$actual_exports")], expected [$(tr '\n' ' ' <<<"$expected_exports")]" >&2
    return 1
  fi
  if [[ "$envs" == "-" ]]; then expected_env=""; else expected_env=$(tr ',' '\n' <<<"$envs" | LC_ALL=C sort); fi
  actual_env=$(awk '$1 == "import" && $2 ~ /^env\./ { sub(/^env\./, "", $2); print $2 }' <<<"$info" | LC_ALL=C sort)
  if [[ "$actual_env" != "$expected_env" ]]; then
    echo "$file: env imports are [$(tr '\n' ' ' <<<"$actual_env")], expected [$(tr '\n' ' ' <<<"$expected_env")]" >&2
    return 1
  fi
  other=$(awk '$1 == "import" && $2 !~ /^(env|wasi_snapshot_preview1)\./ { print $2 }' <<<"$info")
  if [[ -n "$other" ]]; then
    echo "$file: unexpected imports: $other" >&2
    return 1
  fi
  if command -v wasm-validate >/dev/null 2>&1; then
    wasm-validate --disable-simd "$file" || { echo "$file: wasm-validate --disable-simd failed" >&2; return 1; }
  fi
}

# build_all <outdir> [verify]: builds every module of the table, in parallel.
build_all() {
  local outdir=$1 verify=${2:-}
  local jobs logdir pids=() names=() failed=0
  jobs=$(nproc 2>/dev/null || echo 4)
  logdir=$(mktemp -d)
  local user fn src kind envs i=0
  while read -r user fn src kind envs; do
    [[ -z "$user" ]] && continue
    (
      build_one "$outdir" "$user" "$fn" "$src" "$kind" &&
      if [[ -n "$verify" ]]; then verify_one "$outdir/$user/$fn/function.wasm" "$kind" "$envs"; fi
    ) >"$logdir/$i.log" 2>&1 &
    pids+=($!)
    names+=("$user/$fn")
    i=$((i + 1))
    while [[ $(jobs -rp | wc -l) -ge $jobs ]]; do wait -n || true; done
  done <<<"$MODULES"
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "build.sh: FAILED ${names[$i]}" >&2
      failed=1
    fi
    if [[ -s "$logdir/$i.log" ]]; then sed "s|^|${names[$i]}: |" "$logdir/$i.log" >&2; fi
  done
  rm -rf "$logdir"
  return $failed
}

cmd_build() {
  check_toolchain
  local verify=1
  if ! command -v node >/dev/null 2>&1; then
    echo "build.sh: warning: node not found, skipping the import/export/feature checks" >&2
    verify=
  fi
  build_all "$ROOT/wasm" "$verify" || die "build failed"
  # drop modules that are no longer in the table
  local f rel
  while IFS= read -r f; do
    rel=${f#"$ROOT/wasm/"}
    if ! awk -v m="${rel%/function.wasm}" 'NF >= 2 && $1 "/" $2 == m { found = 1 } END { exit !found }' <<<"$MODULES"; then
      echo "build.sh: removing stale $f" >&2
      rm -f "$f"
      rmdir -p --ignore-fail-on-non-empty "$(dirname "$f")" 2>/dev/null || true
    fi
  done < <(find "$ROOT/wasm" -name function.wasm 2>/dev/null | LC_ALL=C sort)
  local count
  count=$(grep -c . <<<"$MODULES")
  echo "built $count modules into wasm/ ($(du -cb "$ROOT"/wasm/*/*/function.wasm | tail -n1 | cut -f1) bytes)"
}

cmd_check() {
  check_toolchain
  local tmp status=0
  tmp=$(mktemp -d)
  trap "rm -rf '$tmp'" EXIT
  build_all "$tmp" || die "build failed"
  local user fn src kind envs rel
  while read -r user fn src kind envs; do
    [[ -z "$user" ]] && continue
    rel="wasm/$user/$fn/function.wasm"
    if [[ ! -f "$ROOT/$rel" ]]; then
      echo "MISSING   $rel" >&2; status=1
    elif ! cmp -s "$tmp/$user/$fn/function.wasm" "$ROOT/$rel"; then
      echo "DIFFERENT $rel" >&2; status=1
    fi
  done <<<"$MODULES"
  while IFS= read -r rel; do
    rel=${rel#"$ROOT/"}
    if [[ ! -f "$tmp/${rel#wasm/}" ]]; then echo "STALE     $rel (not built by func/build.sh)" >&2; status=1; fi
  done < <(find "$ROOT/wasm" -name function.wasm 2>/dev/null | LC_ALL=C sort)
  if [[ $status -ne 0 ]]; then
    echo "build.sh --check: wasm/ is not what func/build.sh builds; run func/build.sh" >&2
    exit 1
  fi
  echo "build.sh --check: all $(grep -c . <<<"$MODULES") modules in wasm/ are up to date"
}

cmd_native() {
  local cc=${NATIVE_CC:-cc} out="$FUNC/build/native"
  command -v "$cc" >/dev/null 2>&1 || die "no native C compiler ($cc); set NATIVE_CC"
  mkdir -p "$out"
  local b
  for b in fib sha256; do
    "$cc" -O2 -Wall -Wextra -Werror -o "$out/$b" "$FUNC/bench/$b.c"
    echo "built $out/$b"
  done
  echo "usage: echo 30 | $out/fib [runs]; echo 4 | $out/sha256 [runs]   (runs given: ns per run on stderr)"
}

case "${1:-}" in
  "") cmd_build ;;
  --check) cmd_check ;;
  --native) cmd_native ;;
  --list) grep . <<<"$MODULES" ;;
  -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown option $1 (try --help)" ;;
esac
