"""Differential oracle for ICSim's Candid binary format, driven by CandidOracleTests.swift.

Reads one JSON object on stdin: {"environment": {name: type}, "cases": [{"type": type,
"value": value, "hex": bytes}]}, where `hex` is the Swift encoding of `value`. For each case
it decodes `hex` with ic-py (at `type`) and encodes `value` with ic-py, and writes on stdout
{"results": [{"decoded": value, "hex": bytes} or {"error": text}]}.

Types: {"k": "nat"} (and the other primitive names), {"k": "opt"|"vec", "t": type},
{"k": "record"|"variant", "f": [[label, type], ...]} with labels as names or "_N" for the
number N (ic-py's convention), {"k": "ref", "n": name} for a type in the environment.
Values: null for null; booleans; numbers as decimal strings (floats as Python-readable
decimal strings); text as strings; principals as hex; opt as [] or [v]; vec as lists;
records and variants as objects keyed by label.
"""
import json
import sys

from ic.candid import Types, decode, encode
from ic.principal import Principal

PRIMITIVES = {
    "null": Types.Null, "bool": Types.Bool, "nat": Types.Nat, "int": Types.Int,
    "nat8": Types.Nat8, "nat16": Types.Nat16, "nat32": Types.Nat32, "nat64": Types.Nat64,
    "int8": Types.Int8, "int16": Types.Int16, "int32": Types.Int32, "int64": Types.Int64,
    "float32": Types.Float32, "float64": Types.Float64, "text": Types.Text,
    "principal": Types.Principal,
}
INTEGERS = {"nat", "int", "nat8", "nat16", "nat32", "nat64", "int8", "int16", "int32", "int64"}


class Translator:
    def __init__(self, environment):
        self.environment = environment
        self.recursive = {name: Types.Rec() for name in sorted(environment)}
        for name in sorted(environment):
            self.recursive[name].fill(self.ic_type(environment[name]))

    def ic_type(self, t):
        kind = t["k"]
        if kind in PRIMITIVES:
            return PRIMITIVES[kind]
        if kind == "opt":
            return Types.Opt(self.ic_type(t["t"]))
        if kind == "vec":
            return Types.Vec(self.ic_type(t["t"]))
        if kind == "record":
            return Types.Record({label: self.ic_type(field) for label, field in t["f"]})
        if kind == "variant":
            return Types.Variant({label: self.ic_type(field) for label, field in t["f"]})
        if kind == "ref":
            return self.recursive[t["n"]]
        raise ValueError("unknown type kind " + kind)

    def resolve(self, t):
        while t["k"] == "ref":
            t = self.environment[t["n"]]
        return t

    def to_python(self, t, v):
        t = self.resolve(t)
        kind = t["k"]
        if kind in INTEGERS:
            return int(v)
        if kind in ("float32", "float64"):
            return float(v)
        if kind == "principal":
            return bytes.fromhex(v)
        if kind == "opt":
            return [self.to_python(t["t"], item) for item in v]
        if kind == "vec":
            return [self.to_python(t["t"], item) for item in v]
        if kind in ("record", "variant"):
            fields = dict((label, field) for label, field in t["f"])
            return {label: self.to_python(fields[label], item) for label, item in v.items()}
        return v

    def to_json(self, t, v):
        t = self.resolve(t)
        kind = t["k"]
        if kind in INTEGERS:
            return str(v)
        if kind in ("float32", "float64"):
            return repr(v)
        if kind == "principal":
            return v.bytes.hex()
        if kind in ("opt", "vec"):
            return [self.to_json(t["t"], item) for item in v]
        if kind in ("record", "variant"):
            fields = dict((label, field) for label, field in t["f"])
            return {label: self.to_json(fields[label], item) for label, item in v.items()}
        return v


def run_case(translator, case):
    ic_type = translator.ic_type(case["type"])
    decoded = decode(bytes.fromhex(case["hex"]), [ic_type])
    value = translator.to_json(case["type"], decoded[0]["value"])
    encoded = encode([{"type": ic_type, "value": translator.to_python(case["type"], case["value"])}])
    return {"decoded": value, "hex": encoded.hex()}


def main():
    request = json.load(sys.stdin)
    translator = Translator(request["environment"])
    results = []
    for case in request["cases"]:
        try:
            results.append(run_case(translator, case))
        except Exception as error:  # reported per case, so one failure names itself
            results.append({"error": "%s: %s" % (type(error).__name__, error)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
