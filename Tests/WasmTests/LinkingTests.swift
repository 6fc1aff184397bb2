import Testing
@testable import Wasm

/// Instances linked through a `WasmLinker`: a registered instance's memory, table, mutable
/// global and functions are imported by another, which shares their state, calls into it,
/// writes its own functions into the shared table (called from the first instance through
/// `call_indirect`), and re-enters it.
@Suite("Wasm linking")
struct LinkingTests {
    /// Built by wat2wasm from:
    /// ```
    /// (module
    ///   (memory (export "mem") 1)
    ///   (global (export "counter") (mut i32) (i32.const 10))
    ///   (table (export "tab") 4 funcref)
    ///   (func $seven (result i32) (i32.const 7))
    ///   (elem (i32.const 0) $seven)
    ///   (func (export "bump") (result i32)          ;; counter += 1; mem[0] += 1; counter
    ///     (global.set 0 (i32.add (global.get 0) (i32.const 1)))
    ///     (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    ///     (global.get 0))
    ///   (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
    ///   (func (export "peek") (result i32) (i32.load (i32.const 0))))
    /// ```
    static let exporter = bytes("0061736d01000000010a026000017f60017f017f0305040000010004040170000405030100010606017f01410a0b072c06036d656d020007636f756e74657203000374616201000462756d7000010463616c6c0002047065656b00030907010041000b01000a2f04040041070b1800230041016a24004100410028020041016a36020023000b070020001100000b070041002802000b")

    /// Built by wat2wasm from:
    /// ```
    /// (module
    ///   (import "a" "mem" (memory 1))
    ///   (import "a" "counter" (global $counter (mut i32)))
    ///   (import "a" "tab" (table 4 funcref))
    ///   (import "a" "bump" (func $bump (result i32)))
    ///   (import "a" "call" (func $call (param i32) (result i32)))
    ///   (func $forty_two (result i32) (i32.const 42))
    ///   (elem (i32.const 1) $forty_two)
    ///   (func (export "twice") (result i32)
    ///     (drop (call $bump)) (drop (call $bump))
    ///     (i32.store (i32.const 4) (i32.const 100))
    ///     (global.get $counter))
    ///   (func $back (result i32) (call $bump))
    ///   (elem (i32.const 2) $back)
    ///   (func (export "reenter") (result i32) (call $call (i32.const 2)))
    ///   (func (export "through_a") (result i32) (call $call (i32.const 1))))
    /// ```
    static let importer = bytes("0061736d01000000010a026000017f60017f017f0233050161036d656d020001016107636f756e746572037f010161037461620170000401610462756d70000001610463616c6c00010306050000000000071f030574776963650003077265656e7465720005097468726f7567685f610006090d020041010b01020041020b01040a2c050400412a0b120010001a10001a410441e40036020023000b040010000b0600410210010b0600410110010b")

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    @Test func linkedInstancesShareStateAndCallEachOther() throws {
        let linker = WasmLinker()
        let a = try linker.instantiate(CompiledModule.load(Self.exporter))
        linker.register(a, as: "a")
        let b = try linker.instantiate(CompiledModule.load(Self.importer))

        // B bumps A twice (A's global and memory change) and writes the shared memory itself.
        #expect(try linker.invoke(b, "twice", arguments: []).results == [.i32(12)])
        #expect(linker.global(a, "counter") == .i32(12))
        #expect(try linker.invoke(a, "peek", arguments: []).results == [.i32(2)])
        #expect(try linker.instance(a)?.memory?.load(UInt32.self, at: 4) == 100)

        // A's table holds A's own function and, written by B's element segment, B's.
        #expect(try linker.invoke(a, "call", arguments: [.i32(0)]).results == [.i32(7)])
        #expect(try linker.invoke(b, "through_a", arguments: []).results == [.i32(42)])

        // B -> A.call -> (table) B.back -> A.bump: both instances are re-entered.
        let (results, instructions) = try linker.invoke(b, "reenter", arguments: [])
        #expect(results == [.i32(13)])
        #expect(try linker.invoke(a, "peek", arguments: []).results == [.i32(3)])
        // Charged to the caller: B's and A's instructions, bump's included (at least 10).
        #expect(instructions > 20)

        // An empty slot of the shared table traps as usual.
        #expect(throws: Trap.self) { try linker.invoke(a, "call", arguments: [.i32(3)]) }
    }

    @Test func importsMustMatchWhatIsShared() throws {
        let linker = WasmLinker()
        #expect(throws: InstantiationError.self) { _ = try linker.instantiate(CompiledModule.load(Self.importer)) }
        let a = try linker.instantiate(CompiledModule.load(Self.exporter))
        linker.register(a, as: "a")
        #expect(throws: Trap.self) { try linker.invoke(a, "no such export", arguments: []) }
    }
}
