import Candid
import Wasm
import ExecutionLayer

/// Calls in Candid text, typed by each canister's service description: the module's
/// `candid:service` section, or a .did text given at deployment.
extension SimulatedInternetComputer {
    /// Creates a canister (by `controller`, and controlled by it or by `controllers`), installs
    /// `wasm` with `initArgument` (Candid text, typed by the service's init arguments), and
    /// remembers its interface for calls in Candid: `did` (a service description's text) if
    /// given, else the module's `candid:service` section, else none (then argument text must
    /// annotate its types).
    /// - Throws: ``CallFailure/candid(_:)`` for a bad service description or argument, else
    ///   the management canister's reject.
    public mutating func deploy(wasm: [UInt8], initArgument: String, did: String? = nil, onSubnet subnet: Int = 0,
                                controller: Principal? = nil, controllers: [Principal]? = nil,
                                cycles: Cycles = Cycles(1_000_000_000_000_000)) throws(CallFailure) -> CanisterID {
        let interface = try Self.interface(of: wasm, did: did)
        let argument: [UInt8]
        do { argument = try interface.encodeArguments(initArgument, forMethod: nil) } catch { throw .candid(error) }
        let canister = try deploy(wasm: wasm, argument: argument, onSubnet: subnet, controller: controller, controllers: controllers, cycles: cycles)
        interfaces[canister] = interface
        return canister
    }

    /// An update call with a Candid text `argument` (typed by the method's argument types);
    /// the reply at the method's result types.
    public mutating func update(_ canister: CanisterID, _ method: String, candid argument: String,
                                sender: Principal? = nil) throws(CallFailure) -> CandidReply {
        let interface = interfaces[canister] ?? .untyped
        let bytes = try update(canister, method, argument: Self.encode(argument, method, interface), sender: sender)
        return try Self.reply(bytes, method, interface)
    }

    /// A query with a Candid text `argument`; the reply at the method's result types.
    public mutating func query(_ canister: CanisterID, _ method: String, candid argument: String,
                               sender: Principal? = nil) throws(CallFailure) -> CandidReply {
        let interface = interfaces[canister] ?? .untyped
        let bytes = try query(canister, method, argument: Self.encode(argument, method, interface), sender: sender)
        return try Self.reply(bytes, method, interface)
    }

    /// The interface of a module: `did` if given, else its `candid:service` section, else none
    /// (a malformed module has none here; installing it reports why).
    static func interface(of wasm: [UInt8], did: String?) throws(CallFailure) -> CandidInterface {
        guard let text = did ?? (try? CandidInterface.serviceText(ofModule: wasm)) else { return .untyped }
        do { return try CandidInterface(serviceText: text) } catch { throw .candid(error) }
    }

    static func encode(_ text: String, _ method: String, _ interface: CandidInterface) throws(CallFailure) -> [UInt8] {
        do { return try interface.encodeArguments(text, forMethod: method) } catch { throw .candid(error) }
    }

    static func reply(_ bytes: [UInt8], _ method: String, _ interface: CandidInterface) throws(CallFailure) -> CandidReply {
        do {
            let reply = try interface.decodeReply(bytes, ofMethod: method)
            return CandidReply(values: reply.values, types: reply.types, environment: reply.environment, bytes: bytes)
        } catch {
            throw .candid(error)
        }
    }
}
