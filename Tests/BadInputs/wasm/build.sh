#!/usr/bin/env bash
# Rebuilds the hostile modules from their .wat sources (needs wabt's wat2wasm; the .wasm
# files are committed, so the tests do not). truncated.wasm is the first 40 bytes of the
# built-in counter canister, cut inside its type section.
set -euo pipefail
cd "$(dirname "$0")"
for source in *.wat; do
    case "$source" in
        invalid-type.wat) wat2wasm --no-check "$source" -o "${source%.wat}.wasm" ;;
        *) wat2wasm "$source" -o "${source%.wat}.wasm" ;;
    esac
done
head -c 40 ../../ExecutionLayerTests/Fixtures/c/counter.wasm > truncated.wasm
printf '\0asn\1\0\0\0' > bad-magic.wasm
