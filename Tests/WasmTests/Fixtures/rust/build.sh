#!/usr/bin/env bash
# Rebuilds the rustc fixtures from their single-file sources, with two compilers, and with
# --expected prints the values Tests/WasmTests/RustModuleTests.swift expects, from two sources
# that do not involve ICSim: a native build of the same sources, and WasmKit (`wasmkit run`,
# shipped with the Swift toolchain) on the committed .wasm files.
#
#   ./build.sh             both sets below
#   ./build.sh 1.63        rustc-1.63/*.wasm
#   ./build.sh 1.96        rustc-1.96/*.wasm
#   ./build.sh --expected  native and WasmKit values
#
# rustc-1.63: Debian bookworm's rustc 1.63.0+dfsg1-2 (`rustc 1.63.0`, LLVM 14.0.6) with the
# prebuilt wasm32 std of libstd-rust-dev-wasm32 1.63.0+dfsg1-2, linked by rust-lld (Debian: a
# link to lld-14 14.0.6). Install: apt-get install rustc libstd-rust-dev-wasm32 lld
# Called by full path (/usr/bin/rustc) so that a rustup toolchain on PATH, which lacks the
# wasm32 target here, is not picked up (RUSTC=... overrides it).
#
# rustc-1.96: Debian bookworm-security's rustc-web 1.96.0+dfsg1-1~deb12u2 (`rustc 1.96.0
# (ac68faa20 2026-05-25)`, LLVM 22.1.8), which has no prebuilt wasm32 std. Its packages conflict
# with Debian's rustc, so they are not installed but unpacked into $RUST_WEB_ROOT (downloaded with
# apt-get download on first use), and std is built from rust-web-src's library/ by Cargo's
# -Zbuild-std (RUSTC_BOOTSTRAP=1; rustup's cargo 1.95 was used), with its vendored crates
# (dlmalloc among them) and the same profile (opt-level 2, panic=abort). Linked by lld-22.
# Needs: apt-get install lld-22 libllvm22
#
# The native expected values were produced with rustup's rustc 1.95 on x86_64 (NATIVE_RUSTC).
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
FIXTURES=(collections hashing shapes panics)

build_163() {
    local rustc=${RUSTC:-/usr/bin/rustc}
    "$rustc" --version
    for name in "${FIXTURES[@]}"; do
        "$rustc" --edition 2021 -C opt-level=2 -C panic=abort -C strip=debuginfo \
            --target wasm32-unknown-unknown --crate-type cdylib -o "rustc-1.63/$name.wasm" "$name.rs"
        echo "built rustc-1.63/$name.wasm ($(wc -c < "rustc-1.63/$name.wasm") bytes)"
    done
}

RUST_WEB_VERSION=1.96.0+dfsg1-1~deb12u2
RUST_WEB_ROOT=${RUST_WEB_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/icsim-rustc-web-$RUST_WEB_VERSION}

build_196() {
    if [[ ! -x $RUST_WEB_ROOT/usr/bin/rustc ]]; then
        mkdir -p "$RUST_WEB_ROOT/debs"
        (cd "$RUST_WEB_ROOT/debs" && apt-get download "rustc-web=$RUST_WEB_VERSION" \
            "libstd-rust-web-1.96=$RUST_WEB_VERSION" "libstd-rust-web-dev=$RUST_WEB_VERSION" \
            "rust-web-src=$RUST_WEB_VERSION")
        for deb in "$RUST_WEB_ROOT"/debs/*.deb; do dpkg-deb -x "$deb" "$RUST_WEB_ROOT"; done
    fi
    local linker=/usr/lib/llvm-22/bin/wasm-ld
    [[ -x $linker ]] || { echo "needs lld-22 and libllvm22: apt-get install lld-22 libllvm22" >&2; exit 1; }
    export LD_LIBRARY_PATH=$RUST_WEB_ROOT/usr/lib/x86_64-linux-gnu RUSTC=$RUST_WEB_ROOT/usr/bin/rustc
    export RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=$linker
    export CARGO_TARGET_DIR=$RUST_WEB_ROOT/target
    # Panic locations embed source paths: make them independent of where things are unpacked.
    export RUSTFLAGS="--remap-path-prefix=$RUST_WEB_ROOT/usr/lib/rustlib/src/rust=/rustc/1.96.0 --remap-path-prefix=$HERE=."
    "$RUSTC" --version
    local work
    work=$(mktemp -d)
    for name in "${FIXTURES[@]}"; do
        mkdir -p "$work/$name/.cargo"
        cat > "$work/$name/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.1.0"
edition = "2021"
[lib]
path = "$HERE/$name.rs"
crate-type = ["cdylib"]
[profile.release]
opt-level = 2
panic = "abort"
strip = "debuginfo"
TOML
        cat > "$work/$name/.cargo/config.toml" <<TOML
[source.crates-io]
replace-with = "vendored"
[source.vendored]
directory = "$RUST_WEB_ROOT/usr/lib/rustlib/src/rust/library/vendor"
TOML
        (cd "$work/$name" && ${CARGO:-cargo} build -q --offline --release \
            --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort)
        cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$name.wasm" "rustc-1.96/$name.wasm"
        echo "built rustc-1.96/$name.wasm ($(wc -c < "rustc-1.96/$name.wasm") bytes)"
    done
    rm -rf "$work"
}

expected() {
    # Native: each fixture as an rlib, then native_check.rs calls the exports and prints them.
    local out native=${NATIVE_RUSTC:-rustc}
    out=$(mktemp -d)
    "$native" --version
    for name in "${FIXTURES[@]}"; do
        "$native" --edition 2021 -C opt-level=2 --crate-type rlib --out-dir "$out" "$name.rs"
    done
    "$native" --edition 2021 -C opt-level=2 -L "$out" -o "$out/native_check" native_check.rs
    echo "--- native"
    "$out/native_check"
    rm -rf "$out"
    # WasmKit on the .wasm files (arguments are type:value). Traps print "Error: Trap: ...".
    wasmkit --version 2>/dev/null || true
    for set in rustc-1.63 rustc-1.96; do
        echo "--- wasmkit on $set"
        while read -r file export arguments; do
            # shellcheck disable=SC2086
            result=$(wasmkit run "$set/$file.wasm" "$export" $arguments 2>&1 | head -1) || true
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
    done
}

case ${1:-all} in
    1.63) build_163 ;;
    1.96) build_196 ;;
    all) build_163; build_196 ;;
    --expected) expected ;;
    *) echo "usage: $0 [1.63|1.96|--expected]" >&2; exit 2 ;;
esac
