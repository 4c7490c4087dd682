#!/usr/bin/env bash
# Builds @FUNCTION@.c into function.wasm (wasm32-wasi, Faasm's host interface).
# Toolchain (Debian 12): apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
"${WASM_CC:-clang}" --target=wasm32-wasi --sysroot="${WASI_SYSROOT:-/usr}" -O2 -Wall -Wextra \
  -Iinclude -Iinclude/faasm \
  -mexec-model=command -Wl,--export=malloc -Wl,--export-table \
  -Wl,--stack-first -Wl,-z,stack-size=65536 -Wl,--strip-debug \
  @FUNCTION@.c -o function.wasm
echo "built function.wasm ($(wc -c < function.wasm) bytes)"
