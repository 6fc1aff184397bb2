import SimCore
import ExecutionLayer
import InternetComputer

/// How `install_code` treats a canister's existing code and state.
public enum InstallCodeMode: UInt8, Hashable, Sendable {
    /// Installs a module on an empty canister.
    case install = 0
    /// Replaces the module and wipes the state.
    case reinstall = 1
    /// Replaces the module, keeping stable memory (the upgrade hooks run).
    case upgrade = 2
}

/// Canisters created and installed through the management canister, as a controller's
/// calls would (each an update call through consensus).
extension SimulatedInternetComputer {
    /// Creates an empty canister on subnet `subnet` with `cycles` made from nothing
    /// (`provisional_create_canister_with_cycles`, as on the IC's test instances), created by
    /// `controller` (the default sender if `nil`) and controlled by it, or by `controllers`
    /// (1 to 10) when given; its ID.
    /// - Throws: the management canister's reject, or ``CallFailure/expired``.
    public mutating func createCanister(onSubnet subnet: Int = 0, controller: Principal? = nil, controllers: [Principal]? = nil,
                                        cycles: Cycles = Cycles(1_000_000_000_000_000)) throws(CallFailure) -> CanisterID {
        var argument = cycles.littleEndianBytes
        if let controllers {
            argument += [UInt8(clamping: controllers.count)] + controllers.flatMap { [UInt8(clamping: $0.bytes.count)] + $0.bytes }
        }
        let reply = try managementCall("provisional_create_canister_with_cycles", argument, onSubnet: subnet,
                                       sender: controller ?? defaultSender)
        guard let id = CanisterID(principal: Principal(bytes: reply)) else {
            throw .rejected(Reject(.invalidManagementPayload, "the management canister replied with no canister ID"))
        }
        return id
    }

    /// Installs `wasm` on `canister` with `argument` for its `canister_init` (or its upgrade
    /// hooks), sent by `sender`, which must be a controller.
    /// - Throws: the management canister's reject (an invalid module, a trap in
    ///   `canister_init`, a sender that is not a controller), or ``CallFailure/expired``.
    public mutating func installCode(_ canister: CanisterID, wasm: [UInt8], argument: [UInt8] = [], mode: InstallCodeMode = .install,
                                     sender: Principal? = nil) throws(CallFailure) {
        let subnet = try hostingSubnet(of: canister)
        let length = UInt32(clamping: wasm.count)
        let lengthBytes = (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
        let payload = Self.named(canister) + [mode.rawValue] + lengthBytes + wasm + argument
        _ = try managementCall("install_code", payload, onSubnet: subnet, sender: sender ?? defaultSender)
    }

    /// Creates a canister (by `controller`, and controlled by it or by `controllers`) and
    /// installs `wasm` on it, sent by `controller`; its ID.
    public mutating func deploy(wasm: [UInt8], argument: [UInt8] = [], onSubnet subnet: Int = 0, controller: Principal? = nil,
                                controllers: [Principal]? = nil, cycles: Cycles = Cycles(1_000_000_000_000_000)) throws(CallFailure) -> CanisterID {
        let canister = try createCanister(onSubnet: subnet, controller: controller, controllers: controllers, cycles: cycles)
        try installCode(canister, wasm: wasm, argument: argument, sender: controller)
        return canister
    }

    /// A call to the management canister of subnet `subnet`, made as an update call there.
    mutating func managementCall(_ method: String, _ argument: [UInt8], onSubnet subnet: Int,
                                 sender: Principal) throws(CallFailure) -> [UInt8] {
        guard simulation.configuration.subnets.indices.contains(subnet) else { throw .noSuchSubnet(.management) }
        return try update(.management, method, argument: argument, sender: sender, subnet: subnet)
    }

    /// A canister as the management canister's arguments name it: its principal's length,
    /// then the principal.
    static func named(_ canister: CanisterID) -> [UInt8] {
        let bytes = canister.principal.bytes
        return [UInt8(bytes.count)] + bytes
    }
}
