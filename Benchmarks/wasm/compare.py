#!/usr/bin/env python3
"""Runs the Wasm benchmarks on ICSim's interpreter (metering on), WasmKit and wasm3, checks
they agree, and prints the wall times (best of --runs) with ratios to WasmKit.

Usage: python3 compare.py [--runs N] [--quick] [--icsim PATH] [--only NAME]
(--icsim: time that icsim binary instead of building this checkout's, e.g. an older build kept
aside to compare against; --only: one benchmark.)
Needs: the Swift toolchain (icsim is built in release, wasmkit ships with it); wasm3 through
PyPI's pywasm3, installed on first use if it can be (skipped with a note if not).
"""
import argparse, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ICSIM = os.path.join(ROOT, ".build", "release", "icsim")

# name, export, wasm argument (typed), quick argument
BENCHMARKS = [
    ("primes", "count_primes", ("i32", 2_000_000), ("i32", 200_000)),
    ("intmix", "run", ("i32", 2_000), ("i32", 200)),
    ("nbody", "advance", ("i32", 500_000), ("i32", 50_000)),
    ("sort", "sort", ("i32", 1_000_000), ("i32", 100_000)),
]

def timed(command):
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    return time.perf_counter() - start, result

def icsim(name, export, argument):
    seconds, result = timed([options.icsim, "wasm", "run", f"{HERE}/{name}.wasm", "--invoke", export,
                             f"{argument[0]}:{argument[1]}", "--fuel", str(10**15), "--stats"])
    if result.returncode != 0:
        raise RuntimeError(f"icsim failed: {result.stderr}")
    value = result.stdout.strip().split(":", 1)[1]
    instructions = next(line.split(": ")[1] for line in result.stderr.splitlines() if line.startswith("instructions"))
    return seconds, value, instructions

def wasmkit(name, export, argument):
    seconds, result = timed(["wasmkit", "run", f"{HERE}/{name}.wasm", export, f"{argument[0]}:{argument[1]}"])
    if result.returncode != 0:
        raise RuntimeError(f"wasmkit failed: {result.stderr[:200]}")
    text = result.stdout.strip()  # e.g. [WasmTypes.Value.i32(17984)]
    return seconds, text[text.index("(") + 1:text.rindex(")")]

WASM3 = """
import sys, wasm3
env = wasm3.Environment(); runtime = env.new_runtime(64 * 1024)
runtime.load(env.parse_module(open(sys.argv[1], 'rb').read()))
print(runtime.find_function(sys.argv[2])(int(sys.argv[3])))
"""

def wasm3_available():
    try:
        import wasm3  # noqa: F401
        return True
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pywasm3"], capture_output=True)
        try:
            import wasm3  # noqa: F401
            return True
        except ImportError:
            return False

def wasm3(name, export, argument):
    seconds, result = timed([sys.executable, "-c", WASM3, f"{HERE}/{name}.wasm", export, str(argument[1])])
    if result.returncode != 0:
        raise RuntimeError(f"wasm3 failed: {result.stderr[:200]}")
    return seconds, result.stdout.strip()

def same(a, b):
    try:
        return int(a) == int(b) or (int(a) - int(b)) % (1 << 32) == 0
    except ValueError:
        return a == b

options = None

def main():
    global options
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smaller inputs")
    parser.add_argument("--icsim", help="the icsim binary to time (default: build this checkout's)")
    parser.add_argument("--only", help="run only this benchmark")
    options = parser.parse_args()
    if options.icsim is None:
        subprocess.run(["swift", "build", "-c", "release", "--package-path", ROOT, "--product", "icsim"], check=True,
                       capture_output=True)
        options.icsim = ICSIM
    has_wasm3 = wasm3_available()
    print(f"{'benchmark':10} {'result':>22} {'instructions':>15} {'icsim s':>9} {'wasmkit s':>10} {'wasm3 s':>8} {'icsim/wasmkit':>14} {'icsim/wasm3':>12}")
    for name, export, full, quick in BENCHMARKS:
        if options.only and name != options.only:
            continue
        argument = quick if options.quick else full
        ours = [icsim(name, export, argument) for _ in range(options.runs)]
        kit = [wasmkit(name, export, argument) for _ in range(options.runs)]
        w3 = [wasm3(name, export, argument) for _ in range(options.runs)] if has_wasm3 else []
        value, instructions = ours[0][1], ours[0][2]
        if not same(value, kit[0][1]) or (w3 and not same(value, w3[0][1])):
            print(f"{name}: results differ: icsim {value}, wasmkit {kit[0][1]}, wasm3 {w3[0][1] if w3 else '-'}")
        best = min(o[0] for o in ours)
        best_kit = min(k[0] for k in kit)
        best_w3 = min(w[0] for w in w3) if w3 else None
        w3_text = f"{best_w3:8.3f}" if best_w3 else f"{'-':>8}"
        ratio_w3 = f"{best / best_w3:12.2f}" if best_w3 else f"{'-':>12}"
        print(f"{name:10} {value:>22} {instructions:>15} {best:9.3f} {best_kit:10.3f} {w3_text} {best / best_kit:14.2f} {ratio_w3}")
    if not has_wasm3:
        print("wasm3 (pywasm3) could not be installed here; its columns are empty")

if __name__ == "__main__":
    main()
