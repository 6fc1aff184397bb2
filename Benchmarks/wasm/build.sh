#!/usr/bin/env bash
# Rebuilds the benchmark modules from their C sources with the Swift toolchain's clang and
# wasm-ld (wasm32, -O2, no libc). The .wasm files are committed, so this is only needed after
# editing a source.
set -euo pipefail
cd "$(dirname "$0")"
build() {
    local name=$1; shift
    local exports=()
    for symbol in "$@"; do exports+=("-Wl,--export=$symbol"); done
    clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry "${exports[@]}" -o "$name.wasm" "$name.c"
    echo "built $name.wasm ($(wc -c < "$name.wasm") bytes)"
}
build primes count_primes
build intmix run
build nbody advance energy
build sort sort
