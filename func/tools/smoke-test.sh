#!/usr/bin/env bash
# Runs the example modules in wasm/ under Node.js (func/tools/run-node.mjs) and
# checks their outputs / failures. Usage: func/tools/smoke-test.sh
# (bad/loop and bad/membomb are skipped: the Node shim has no timeout or memory limit.)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN=(node "$ROOT/func/tools/run-node.mjs" --quiet)
pass=0 fail=0

# expect <description> <expected stdout> <expected exit status> -- <run-node args...>
expect() {
  local what=$1 want=$2 want_status=$3; shift 4
  local got status
  got=$("${RUN[@]}" "$@" 2>/dev/null); status=$?
  if [[ "$got" == "$want" && $status -eq $want_status ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $what: got '${got:0:80}' (exit $status), want '$want' (exit $want_status)" >&2
  fi
}

W="$ROOT/wasm"
expect "simon/echo"         "hello faasm"   0 -- "$W/simon/echo/function.wasm" "hello faasm"
expect "simon/echo zeros"   "0102"          0 -- --hex --input-hex 01020000 "$W/simon/echo/function.wasm"
expect "simon/echo_exact"   "01020000"      0 -- --hex --input-hex 01020000 "$W/simon/echo_exact/function.wasm"
expect "simon/dummy"        "0001020304"    0 -- --hex "$W/simon/dummy/function.wasm" ignored
expect "simon/x2"           "0204fe00fe"    0 -- --hex --input-hex 01027f80ff "$W/simon/x2/function.wasm"
expect "simon/chain"        "echo,x2"       0 -- "$W/simon/chain/function.wasm" abc
expect "simon/print"        "printed"       0 -- "$W/simon/print/function.wasm" printed
expect "simon/original"     ""              0 -- --no-chain "$W/simon/original/function.wasm"
expect "demo/hello"         "Hello Faasm!"  0 -- "$W/demo/hello/function.wasm"
expect "demo/upper"         "HELLO, WORLD 42" 0 -- "$W/demo/upper/function.wasm" "hello, World 42"
expect "demo/chain_await"   "[0][1][2]"     0 -- "$W/demo/chain_await/function.wasm" 3
expect "demo/chain_await 0" ""              0 -- "$W/demo/chain_await/function.wasm" 0
expect "demo/chain_ptr"     "ptr:msaaf"     0 -- "$W/demo/chain_ptr/function.wasm"
expect "demo/nested 8"      "012345678"     0 -- "$W/demo/nested/function.wasm" 8
expect "demo/nested 0"      "0"             0 -- "$W/demo/nested/function.wasm" 0
expect "demo/state_writer"  "hi|hi|hi"      0 -- "$W/demo/state_writer/function.wasm" hi
expect "demo/state_reader"  ""              0 -- "$W/demo/state_reader/function.wasm" greeting
expect "demo/state_set"     "5"             0 -- "$W/demo/state_set/function.wasm" "key value"
expect "demo/state_offset"  "ok 1048576"    0 -- "$W/demo/state_offset/function.wasm" 1024
expect "demo/state_append"  "n=20 sum=190 distinct=20" 0 -- "$W/demo/state_append/function.wasm" 20
expect "demo/state_pi"      "pi=3.14007 workers=4" 0 -- "$W/demo/state_pi/function.wasm" "4 250000"
expect "demo/state_counter" "counter=300 expected=300" 0 -- "$W/demo/state_counter/function.wasm" "3 100 global"
expect "bench/fib"          "6765"          0 -- "$W/bench/fib/function.wasm" 20
expect "bench/sha256 0"     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" 0 -- "$W/bench/sha256/function.wasm" 0
expect "bench/sha256 1"     "3e75ec671075e4115fc876c4c55d5abbac3bfe487a67ff4ca2db38386a014f27" 0 -- "$W/bench/sha256/function.wasm" 1
expect "bad/trap"           ""              1 -- "$W/bad/trap/function.wasm"
expect "bad/exit3"          ""              1 -- "$W/bad/exit3/function.wasm"
expect "bad/recurse"        ""              1 -- "$W/bad/recurse/function.wasm"
expect "bad/bigout"         ""              1 -- "$W/bad/bigout/function.wasm"
expect "bad/stub"           ""              1 -- "$W/bad/stub/function.wasm"
expect "bad/unknown_import" ""              1 -- "$W/bad/unknown_import/function.wasm"

echo "smoke test: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
