#!/usr/bin/env bash
# Rebuilds the rustc fixtures (*.wasm) from their single-file sources, and with --expected
# prints the values Tests/WasmTests/RustModuleTests.swift expects, from two sources that do not
# involve ICSim: a native build of the same sources, and WasmKit (`wasmkit run`, shipped with
# the Swift toolchain) on the committed .wasm files.
#
# Compiler used for the committed .wasm files: Debian bookworm's rustc 1.63.0+dfsg1-2
# (`rustc 1.63.0`, LLVM 14.0.6) with the wasm32 standard library from Debian's
# libstd-rust-dev-wasm32 1.63.0+dfsg1-2, linked by rust-lld (Debian: a link to lld-14 14.0.6):
#     apt-get install rustc libstd-rust-dev-wasm32 lld
# Called by full path (/usr/bin/rustc) so that a rustup toolchain on PATH, which may lack the
# wasm32 target, is not picked up. Override with RUSTC=... to try another compiler.
# The native expected values were produced with rustup's rustc 1.95 on x86_64 (NATIVE_RUSTC).
set -euo pipefail
cd "$(dirname "$0")"
RUSTC=${RUSTC:-/usr/bin/rustc}
NATIVE_RUSTC=${NATIVE_RUSTC:-rustc}
FLAGS=(--edition 2021 -C opt-level=2 -C panic=abort -C strip=debuginfo)
FIXTURES=(collections hashing shapes panics)

if [[ ${1:-} != --expected ]]; then
    "$RUSTC" --version
    for name in "${FIXTURES[@]}"; do
        "$RUSTC" "${FLAGS[@]}" --target wasm32-unknown-unknown --crate-type cdylib -o "$name.wasm" "$name.rs"
        echo "built $name.wasm ($(wc -c < "$name.wasm") bytes)"
    done
    exit 0
fi

# Native: each fixture as an rlib, then native_check.rs calls the exports and prints them.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$NATIVE_RUSTC" --version
for name in "${FIXTURES[@]}"; do
    "$NATIVE_RUSTC" --edition 2021 -C opt-level=2 --crate-type rlib --out-dir "$out" "$name.rs"
done
"$NATIVE_RUSTC" --edition 2021 -C opt-level=2 -L "$out" -o "$out/native_check" native_check.rs
echo "--- native"
"$out/native_check"

# WasmKit on the .wasm files (arguments are type:value). Traps print "Error: Trap: ...".
echo "--- wasmkit"
wasmkit --version 2>/dev/null || true
while read -r file export arguments; do
    [[ -z $file || $file == \#* ]] && continue
    # shellcheck disable=SC2086
    result=$(wasmkit run "$file.wasm" "$export" $arguments 2>&1 | head -1) || true
    echo "$file $export $arguments => $result"
done <<'CASES'
collections sorted_checksum i32:0
collections sorted_checksum i32:1
collections sorted_checksum i32:1000
collections sorted_checksum i32:5000
collections word_histogram i32:0
collections word_histogram i32:10
collections word_histogram i32:500
collections big_buffer i32:0
collections big_buffer i32:1
collections big_buffer i32:256
hashing fnv1a i32:0
hashing fnv1a i32:1
hashing fnv1a i32:1000
hashing mix i64:0 i32:0
hashing mix i64:42 i32:1000
hashing mix i64:-1 i32:77
hashing splitmix i64:0
hashing splitmix i64:1
hashing splitmix i64:-9223372036854775808
hashing signed_ops i64:-9223372036854775808 i64:-1
hashing signed_ops i64:123456789012 i64:-987
hashing signed_ops i64:-5 i64:0
shapes total_area i32:0
shapes total_area i32:1
shapes total_area i32:100
shapes total_perimeter i32:100
shapes spiral i32:1000
shapes saturate f64:1e10
shapes saturate f64:-1e10
shapes saturate f64:nan
shapes saturate f64:-3.9
shapes saturate f64:2147483647.5
panics prime_at i32:0
panics prime_at i32:15
panics prime_at i32:16
panics prime_at i32:-1
panics divide i32:7 i32:2
panics divide i32:-7 i32:2
panics divide i32:-2147483648 i32:1
panics divide i32:1 i32:0
panics divide i32:-2147483648 i32:-1
panics roundtrip_u8 i32:0
panics roundtrip_u8 i32:255
panics roundtrip_u8 i32:256
panics roundtrip_u8 i32:-1
panics checked_triangle i32:100
panics checked_triangle i32:65535
panics checked_triangle i32:65536
CASES
