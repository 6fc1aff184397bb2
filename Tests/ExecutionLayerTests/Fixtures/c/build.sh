#!/bin/sh
# Rebuilds the C canisters with the Swift toolchain's clang and wasm-ld. The .wasm files are
# committed, so the tests do not need a C compiler; run this after changing a source.
set -eu
cd "$(dirname "$0")"
for source in *.c; do
    clang --target=wasm32 -O2 -nostdlib -fno-builtin -Wall -Werror -Wl,--no-entry -o "${source%.c}.wasm" "$source"
done
