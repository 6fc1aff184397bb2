import Foundation
import ICSim

/// `icsim call WASM METHOD [ARGUMENT] [--init ARGUMENT] [--query] [--caller PRINCIPAL] [--did FILE]`:
/// installs a module on a default 13-node application subnet (the caller creates it and
/// controls it), makes one call, and prints the reply as Candid text.
///
/// Exit codes: 0 replied (the reply on stdout); 1 rejected or expired (the reject code and
/// message on stderr); 2 bad input (the argument at fault and what was expected).
enum CallCommand {
    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("call", arguments, valueOptions: ["init", "caller", "did", "seed"], flags: ["query"],
                                                      positionals: .checkedByCommand, output: &output) else { return 0 }
        guard (2...3).contains(reader.positionals.count) else {
            throw UsageError("call: expected WASM METHOD [ARGUMENT], found \(reader.positionals.count) arguments")
        }
        let (path, method) = (reader.positionals[0], reader.positionals[1])
        let wasm = try readFile(path, what: "the module")
        let interface = try interface(of: wasm, path: path, didPath: reader.value("did"))
        let caller = try principal(reader.value("caller") ?? Self.defaultCaller, option: "--caller")
        let initBytes = try encode(reader.value("init") ?? "()", method: nil, interface, what: "--init")
        let argument = try encode(reader.positionals.count == 3 ? reader.positionals[2] : "()", method: method, interface, what: "ARGUMENT")
        let seed = try reader.value("seed", expected: "a number 0...2^64-1", { UInt64($0) }) ?? 1
        let isQuery = try reader.flag("query")
        var ic: SimulatedInternetComputer
        do { ic = try SimulatedInternetComputer(seed: seed) } catch { throw UsageError("\(error)") }
        ic.defaultSender = caller
        do {
            let canister = try ic.deploy(wasm: wasm, argument: initBytes, controller: caller)
            let reply = isQuery ? try ic.query(canister, method, argument: argument) : try ic.update(canister, method, argument: argument)
            output.write((interface.replyText(reply, ofMethod: method) ?? "blob \"\(Self.escaped(reply))\"") + "\n")
            return 0
        } catch {
            errors.write(describe(error) + "\n")
            return 1
        }
    }

    /// The caller without `--caller`: the anonymous principal's textual form is not allowed
    /// to control canisters, so a fixed self-authenticating-looking user principal.
    static let defaultCaller = Principal.user(1).description

    /// The interface: the .did file if given, else the module's `candid:service` section, else
    /// none (arguments then annotate their types).
    static func interface(of wasm: [UInt8], path: String, didPath: String?) throws(UsageError) -> CandidInterface {
        let text: String?
        if let didPath {
            text = String(decoding: try readFile(didPath, what: "the service description"), as: UTF8.self)
        } else {
            do { text = try CandidInterface.serviceText(ofModule: wasm) } catch {
                throw UsageError("\(path): malformed: \(error)", suggestsHelp: false)
            }
        }
        guard let text else { return .untyped }
        do { return try CandidInterface(serviceText: text) } catch {
            throw UsageError("\(didPath ?? "\(path) (its candid:service section)"): \(error)", suggestsHelp: false)
        }
    }

    static func encode(_ text: String, method: String?, _ interface: CandidInterface, what: String) throws(UsageError) -> [UInt8] {
        do { return try interface.encodeArguments(text, forMethod: method) } catch {
            throw UsageError("\(what) \"\(text)\": \(error)", suggestsHelp: false)
        }
    }

    static func principal(_ text: String, option: String) throws(UsageError) -> Principal {
        do { return Principal(bytes: try CandidPrincipal(text: text).bytes) } catch {
            throw UsageError("\(option) \"\(text)\": \(error)")
        }
    }

    static func readFile(_ path: String, what: String) throws(UsageError) -> [UInt8] {
        Array(try InputFiles.read(path, what: what))
    }

    /// A failed call as the user reads it: the reject code's name and number, the IC's error
    /// code if any, and the message.
    static func describe(_ failure: CallFailure) -> String {
        guard let reject = failure.reject else { return "icsim: the call failed: \(failure)" }
        return "\(reject.code) (reject code \(reject.code.rawValue))\(reject.errorCode.map { ", \($0)" } ?? ""): \(reject.message)"
    }

    /// Bytes as the inside of a Candid blob literal.
    static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            (0x20..<0x7F).contains(byte) && byte != 0x22 && byte != 0x5C ? String(UnicodeScalar(byte)) : "\\" + String(byte, radix: 16).leftPadded(2)
        }.joined()
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
