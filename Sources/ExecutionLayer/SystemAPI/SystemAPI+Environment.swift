import Wasm

// The System API's view of the caller's extra information, the canister's subnet, the IC's
// root key, the liquid balance and the environment variables (interface spec, "Method
// arguments", "Self-identification", "Certified data", "Cycles", "Environment Variables").
// Costs: 500 instructions each (dfinity/ic system_api_complexity.rs, `overhead`).

extension SystemAPI {
    /// The contexts of `msg_caller_info_*`: all but init, pre/post-upgrade, start and system
    /// tasks.
    static let callerInfoContexts = "U RQ NRQ CQ Ry Rt CRy CRt C CC F"

    /// `msg_caller_info_*`: empty for every caller ICSim has (users and canisters; no caller
    /// is authenticated by a canister signature), as the spec says for such callers.
    static let callerInfoFunctions: [Function] = [
        Function("msg_caller_info_data_size", [], [.address], callerInfoContexts, cost: 500) { _, _, _ in .i32(0) },
        Function("msg_caller_info_data_copy", [.address, .address, .address], [], callerInfoContexts, cost: 500) { arguments, host, _ in
            try host.copy([], arguments, for: "msg_caller_info_data_copy")
            return nil
        },
        Function("msg_caller_info_signer_size", [], [.address], callerInfoContexts, cost: 500) { _, _, _ in .i32(0) },
        Function("msg_caller_info_signer_copy", [.address, .address, .address], [], callerInfoContexts, cost: 500) { arguments, host, _ in
            try host.copy([], arguments, for: "msg_caller_info_signer_copy")
            return nil
        },
    ]

    /// The subnet's ID, the root key, and the liquid balance.
    static let identityFunctions: [Function] = [
        Function("subnet_self_size", [], [.address], "*", cost: 500) { _, _, session in
            .i32(UInt32(session.environment.subnet.bytes.count))
        },
        Function("subnet_self_copy", [.address, .address, .address], [], "*", cost: 500) { arguments, host, session in
            try host.copy(session.environment.subnet.bytes, arguments, for: "subnet_self_copy")
            return nil
        },
        Function("root_key_size", [], [.address], "I G U RQ Ry Rt C T", cost: 500) { _, _, session in
            .i32(UInt32(session.environment.rootKey.count))
        },
        Function("root_key_copy", [.address, .address, .address], [], "I G U RQ Ry Rt C T", cost: 500) { arguments, host, session in
            try host.copy(session.environment.rootKey, arguments, for: "root_key_copy")
            return nil
        },
        Function("canister_liquid_cycle_balance128", [.address], [], "*", cost: 500) { arguments, host, session in
            try host.write(liquidBalance(session).littleEndianBytes, to: arguments[0].address, for: "canister_liquid_cycle_balance128")
            return nil
        },
    ]

    /// The cycles the canister may spend: its balance minus what the freezing threshold
    /// withholds beyond the reserved cycles (interface spec, `liquid_balance`), at least zero.
    static func liquidBalance(_ session: CallSession) -> Cycles {
        session.balance.subtracting(session.environment.cyclesWithheld(at: session.fees)) ?? .zero
    }

    /// The names of ``environmentFunctions``: a module that imports none of them never reads
    /// the environment variables.
    static let environmentVariableFunctionNames = Set(environmentFunctions.map(\.name))

    /// The environment variables: enumerated by index in name order, looked up by name.
    static let environmentFunctions: [Function] = [
        Function("env_var_count", [], [.address], "*", cost: 500) { _, _, session in
            .i32(UInt32(session.environment.variables.entries.count))
        },
        Function("env_var_name_size", [.address], [.address], "*", cost: 500) { arguments, _, session in
            .i32(UInt32(try variable(at: arguments[0], session, "env_var_name_size").name.utf8.count))
        },
        Function("env_var_name_copy", [.address, .address, .address, .address], [], "*", cost: 500) { arguments, host, session in
            let name = try variable(at: arguments[0], session, "env_var_name_copy").name
            try host.copy(Array(name.utf8), to: arguments[1].address, offset: arguments[2].address, size: arguments[3].address,
                          for: "env_var_name_copy")
            return nil
        },
        Function("env_var_name_exists", [.address, .address], [.i32], "*", cost: 500) { arguments, host, session in
            let name = try variableName(arguments, &host, "env_var_name_exists")
            return .i32(session.environment.variables.value(of: name) == nil ? 0 : 1)
        },
        Function("env_var_value_size", [.address, .address], [.address], "*", cost: 500) { arguments, host, session in
            .i32(UInt32(try variableValue(arguments, &host, session, "env_var_value_size").utf8.count))
        },
        Function("env_var_value_copy", [.address, .address, .address, .address, .address], [], "*", cost: 500) { arguments, host, session in
            let value = try variableValue(arguments, &host, session, "env_var_value_copy")
            try host.copy(Array(value.utf8), to: arguments[2].address, offset: arguments[3].address, size: arguments[4].address,
                          for: "env_var_value_copy")
            return nil
        },
    ]

    /// The variable at `index` in name order; traps past the last.
    static func variable(at index: SystemAPIArgument, _ session: CallSession, _ name: String) throws(Trap) -> (name: String, value: String) {
        let entries = session.environment.variables.entries
        guard index.address < UInt64(entries.count) else {
            throw trap(name, "index \(index.address) is out of bounds: the canister has \(entries.count) environment variables")
        }
        return entries[Int(index.address)]
    }

    /// The variable name at `arguments[0]`/`arguments[1]`: at most 128 bytes of valid UTF-8.
    static func variableName(_ arguments: SystemAPIArguments, _ host: inout HostContext, _ name: String) throws(Trap) -> [UInt8] {
        let size = arguments[1].address
        guard size <= UInt64(EnvironmentVariables.nameBytesMax) else {
            throw trap(name, "Variable name is too large: \(size) bytes, at most \(EnvironmentVariables.nameBytesMax)")
        }
        let bytes = try host.read(arguments[0].address, size, for: name)
        guard String(validating: bytes, as: UTF8.self) != nil else { throw trap(name, "Variable name is not a valid UTF-8 string") }
        return bytes
    }

    /// The value of the variable named at `arguments[0]`/`arguments[1]`; traps if there is none.
    static func variableValue(_ arguments: SystemAPIArguments, _ host: inout HostContext, _ session: CallSession, _ name: String) throws(Trap) -> String {
        let variable = try variableName(arguments, &host, name)
        guard let value = session.environment.variables.value(of: variable) else {
            throw trap(name, "Environment variable \"\(String(decoding: variable, as: UTF8.self))\" not found")
        }
        return value
    }
}
