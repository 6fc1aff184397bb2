import FuzzTargets

#if FUZZING
/// libFuzzer's entry point (built by Tests/Fuzz/fuzz.sh with -sanitize=fuzzer).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.candid.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#else
/// Replays inputs or runs random ones (see FuzzDriver).
@main struct Main {
    static func main() { FuzzDriver.main(.candid) }
}
#endif
