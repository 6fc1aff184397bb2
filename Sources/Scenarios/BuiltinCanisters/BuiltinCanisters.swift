/// Canisters built into ICSim, so that a scenario (the default one included) runs without
/// files beside it: `"wasm": "builtin:NAME"`. Each is a C canister of the test fixtures
/// (Tests/ExecutionLayerTests/Fixtures/c, where its source documents its methods), embedded
/// by that directory's build.sh; a test checks the embedded bytes equal the fixture files.
public enum BuiltinCanisters {
    /// The names, in order: `counter` (inc, get, echo, spin, ...), `kv` (a key-value store:
    /// put, get, size), `caller` (calls other canisters: call, call_twice, ...), `primes`
    /// (the ATC'23 CPU benchmark: primes, last).
    public static let names = ["counter", "kv", "caller", "primes"]

    /// The module called `name`, if there is one.
    public static func module(named name: String) -> [UInt8]? {
        switch name {
        case "counter": counter
        case "kv": kv
        case "caller": caller
        case "primes": primes
        default: nil
        }
    }
}
