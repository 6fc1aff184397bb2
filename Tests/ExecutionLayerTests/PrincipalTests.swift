import Testing
@testable import ExecutionLayer

/// Users' principals: the table of the first ones gives what deriving them gives.
@Suite struct UserPrincipalTests {
    @Test(arguments: [0, 1, 999, 1_023, 1_024, 1_025, 1 << 24, UInt64.max] as [UInt64])
    func tableAndDerivationAgree(index: UInt64) {
        #expect(Principal.user(index) == Principal.derivedUser(index))
    }

    @Test func usersAreSelfAuthenticatingAndDistinct() {
        let users = (0..<2_048).map { Principal.user(UInt64($0)) }
        #expect(users.allSatisfy { $0.bytes.count == 29 && $0.bytes.last == 0x02 })
        #expect(Set(users).count == users.count)
    }
}
