#!/usr/bin/env bash
# Builds one of ICSim's libFuzzer targets with -sanitize=fuzzer,address and runs it.
#
#   Tests/Fuzz/fuzz.sh TARGET [MINUTES] [LIBFUZZER OPTION...]
#
# TARGET is wasm-load, wasm-run, wasm-differential, scenario-load or candid; MINUTES defaults to 30.
# The corpus, crashes and log go to Tests/Fuzz/.work/TARGET/ (not committed). The corpus is
# seeded from ../shared/wasm-spec (the spec test suite's modules) for the Wasm loaders and from
# Scenarios/ and Tests/BadInputs/scenarios for the scenario loader; the generator target starts
# from nothing. A crash is saved as .work/TARGET/crash-*; replay it with a plain build:
#   swift run --package-path Tests/Fuzz fuzz-TARGET Tests/Fuzz/.work/TARGET/crash-...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${1:?usage: fuzz.sh TARGET [MINUTES] [LIBFUZZER OPTION...]}"
minutes="${2:-30}"
shift $(( $# >= 2 ? 2 : 1 ))
case "$target" in
    wasm-load|wasm-run|wasm-differential|scenario-load|candid) ;;
    *) echo "fuzz.sh: unknown target '$target' (wasm-load, wasm-run, wasm-differential, scenario-load, candid)" >&2; exit 2 ;;
esac

work="$here/.work/$target"
mkdir -p "$work/corpus"
shared="$root/../shared/wasm-spec"
if [ -z "$(ls -A "$work/corpus")" ]; then
    case "$target" in
        wasm-load|wasm-run)
            if [ -d "$shared" ]; then find "$shared" -name '*.wasm' -exec cp {} "$work/corpus/" \; ; fi
            find "$root/Tests/WasmTests/Fixtures" "$root/Tests/BadInputs/wasm" -name '*.wasm' -exec cp {} "$work/corpus/" \; 2>/dev/null || true ;;
        scenario-load)
            cp "$root"/Scenarios/*.json "$work/corpus/"
            cp "$root"/Tests/BadInputs/scenarios/*.json "$work/corpus/" 2>/dev/null || true ;;
        candid)
            # A few messages, texts and descriptions: the random driver's seeds, as files.
            swift run --package-path "$here" fuzz-candid --write-seeds "$work/corpus" ;;
        wasm-differential) ;;
    esac
fi

echo "fuzz.sh: building fuzz-$target with libFuzzer and AddressSanitizer"
# SwiftPM compiles the modules with the instrumentation; the executable is linked here with
# swiftc, because SwiftPM renames an executable's entry point (to <module>_main), which leaves
# nothing for libFuzzer's own main to replace.
scratch="$here/.build-fuzzing"
swift build --package-path "$here" --scratch-path "$scratch" -c release --target FuzzTargets \
    -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v "Cannot export local symbol" || true
bin="$(swift build --package-path "$here" --scratch-path "$scratch" -c release --show-bin-path)"
binary="$bin/fuzz-$target"
# Every library module's objects (the ICSim targets and the harnesses), not the executables'.
objects=$(find "$bin" -path '*.build/*.o' ! -path '*/fuzz_*' ! -path '*/fuzz-*' ! -path '*/icsim.build/*')
# shellcheck disable=SC2086 # the object list is split on purpose
swiftc -O -sanitize=fuzzer,address -parse-as-library -DFUZZING -module-name "fuzz_${target//-/_}" \
    -I "$bin/Modules" "$here/Sources/fuzz-$target/Entry.swift" $objects -o "$binary" 2>&1 \
    | grep -v "Cannot export local symbol" || true
[ -x "$binary" ] || { echo "fuzz.sh: the build failed" >&2; exit 1; }

echo "fuzz.sh: running fuzz-$target for $minutes minutes; corpus $work/corpus ($(ls "$work/corpus" | wc -l) files)"
# Swift's own crash backtracer would race libFuzzer's handler; libFuzzer reports crashes.
export SWIFT_BACKTRACE=enable=no
cd "$work"
"$binary" "$work/corpus" -max_total_time=$((minutes * 60)) -artifact_prefix="$work/" -print_final_stats=1 \
    -timeout=20 -rss_limit_mb=2048 -max_len=65536 "$@" 2>&1 | tee "$work/log"
