extension WasmInstance {
    /// How the trap of a `memory.grow` past ``memoryGrowLimitBytes`` starts (an embedder
    /// recognises it by this).
    public static let growLimitTrapPrefix = "memory.grow past the memory limit: "

    /// Traps if growing the memory by `pages` would succeed but take it past
    /// ``memoryGrowLimitBytes`` (a grow the memory's maximum refuses is left to return -1).
    func checkGrowLimit(_ pages: UInt32) throws(TrapReason) {
        let newPages = UInt64(memoryStorage.pageCount) + UInt64(pages)
        guard newPages <= UInt64(memoryStorage.maximumPages) else { return }
        let newBytes = newPages * UInt64(LinearMemory.pageBytes)
        guard newBytes > memoryGrowLimitBytes else { return }
        throw .host(Self.growLimitTrapPrefix + "growing to \(newBytes) bytes would exceed the limit of \(memoryGrowLimitBytes) bytes")
    }
}
