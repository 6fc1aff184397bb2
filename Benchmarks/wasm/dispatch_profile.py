#!/usr/bin/env python3
"""Dispatches per internal instruction, from a callgrind profile of `icsim wasm run`.

Usage:
  valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=OUT \
      .build/release/icsim wasm run Benchmarks/wasm/primes.wasm --invoke count_primes i32:100000 \
      --fuel 1000000000000000
  python3 Benchmarks/wasm/dispatch_profile.py .build/release/icsim OUT [--hot FRACTION]

It finds the block-metering specialisation of the interpreter's hot loop (`runHot`; another with
the environment variable LOOP_SYMBOL, a regular expression) in the binary
(`objdump`, `nm`), reads the `switch`'s jump table (the `lea TABLE(%rip)` before the loop), maps
each table entry to its `OpCode` case (Swift numbers an enum's cases in declaration order, so
the table is indexed by that order, not by the raw values), and prints how often each case's
first machine instruction ran: the dispatches per operation. The total is the count of the
loop's indirect jump itself; a case whose first instruction LLVM also uses as a shared tail
of other cases (a taken branch's, say) is over-counted by the other paths through it. With
`--hot F` it also lists every machine instruction of the loop that ran at least F of the
program's total instruction count. It first prints where the dispatch lies in its 64-byte
line and warns if it spans two (a layout accident that has made whole builds 1.5x slower), and
whether it could for another placement of the function (what code linked before it decides).
"""
import collections
import os
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INSTRUCTION_SWIFT = os.path.join(HERE, "..", "..", "Sources", "Wasm", "Runtime", "Instruction.swift")
LOOP_SYMBOL = re.compile(os.environ.get("LOOP_SYMBOL", r"runHot.*Block.*g5$"))


def opcode_names():
    """The OpCode cases in declaration order."""
    source = open(INSTRUCTION_SWIFT).read()
    body = source[source.index("enum OpCode"):]
    body = body[:body.index("\n}\n")]
    names = []
    for line in body.split("\n"):
        line = line.split("//")[0].strip()
        if line.startswith("case "):
            names += [part.split("=")[0].strip().strip("`") for part in line[5:].split(",") if part.strip()]
    return names


def loop_disassembly(binary):
    symbols = subprocess.run(["nm", binary], capture_output=True, text=True).stdout.split("\n")
    start = next(int(line.split()[0], 16) for line in symbols if LOOP_SYMBOL.search(line))
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary, f"--start-address={start:#x}",
                           f"--stop-address={start + 0x4000:#x}"], capture_output=True, text=True).stdout
    instructions = {}
    for line in text.split("\n"):
        match = re.match(r"\s+([0-9a-f]+):\s+(.*)", line)
        if match:
            instructions[int(match.group(1), 16)] = match.group(2)[:72]
    return text, instructions


def case_addresses(binary, text, names):
    table = int(re.search(r"lea\s+0x[0-9a-f]+\(%rip\),%r\w+\s+# ([0-9a-f]+)", text).group(1), 16)
    sections = subprocess.run(["objdump", "-h", binary], capture_output=True, text=True).stdout.split("\n")
    data = open(binary, "rb").read()
    for line in sections:
        fields = line.split()
        if len(fields) > 6 and fields[1] == ".rodata":
            size, address, offset = int(fields[2], 16), int(fields[3], 16), int(fields[5], 16)
            if address <= table < address + size:
                base = offset + table - address
    cases = collections.defaultdict(list)
    for index, name in enumerate(names):
        (relative,) = struct.unpack("<i", data[base + 4 * index: base + 4 * index + 4])
        cases[table + relative].append(name)
    return cases


def instruction_counts(profile):
    counts, address, skip = collections.Counter(), 0, False
    for line in open(profile):
        if line.startswith(("fn=", "cfn=", "calls=", "cob=", "cfi=", "cfl=", "ob=", "fl=", "fi=", "fe=")):
            skip = skip or line.startswith("calls=")
            continue
        if line[:1] in ("0", "+", "-"):
            fields = line.split()
            token = fields[0]
            if token.startswith("0x"):
                address = int(token, 16)
            elif token[0] == "+":
                address += int(token[1:], 0)
            elif token[0] == "-":
                address -= int(token[1:], 0)
            if skip:  # the line after `calls=` is the call's inclusive cost
                skip = False
                continue
            if len(fields) > 2:
                counts[address] += int(fields[2])
    return counts


def dispatch_placement(instructions):
    """Where the loop's dispatch (the `movzbl` before its indirect jump, to the end of the jump)
    lies: a dispatch spanning two 64-byte lines has made whole builds 1.5x slower. The function
    starts on a 16-byte boundary, so where the dispatch lies within its 16-byte block is fixed by
    the function's own code; if it fits in that block, no placement of the function (that is, no
    change to the code linked before it) can make it span two lines."""
    addresses = sorted(instructions)
    function = addresses[0]
    jump = next(address for address in addresses if instructions[address].startswith("jmp    *"))
    start = max(address for address in addresses if address < jump and instructions[address].startswith("movzbl"))
    end = addresses[addresses.index(jump) + 1]
    spans = start // 64 != (end - 1) // 64
    within = (start - function) % 16
    robust = within + (end - start) <= 16
    return (f"dispatch {start:#x}-{end - 1:#x}, {start % 64} bytes into a 64-byte line"
            + (": SPANS TWO LINES" if spans else "")
            + f"; {within} bytes into its 16-byte block: "
            + ("cannot span wherever the function lands" if robust else "WILL SPAN for one function placement in four"))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, profile = sys.argv[1], sys.argv[2]
    hot = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--hot" else None
    text, instructions = loop_disassembly(binary)
    cases = case_addresses(binary, text, opcode_names())
    counts = instruction_counts(profile)
    dispatches = sum(counts[address] for address, text in instructions.items() if text.startswith("jmp    *"))
    print(f"dispatches {dispatches:,}; instructions {sum(counts.values()):,}")
    print(dispatch_placement(instructions))
    for address, names in sorted(cases.items(), key=lambda item: -counts[item[0]]):
        if counts[address]:
            print(f"{counts[address]:>14,} {100 * counts[address] / dispatches:5.1f} %  {', '.join(names[:4])}")
    if hot is not None:
        total = sum(counts.values())
        for address in sorted(instructions):
            if counts[address] >= hot * total:
                print(f"{counts[address]:>14,}  {address:#x}  {instructions[address]}")


main()
