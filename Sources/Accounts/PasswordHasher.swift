import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run on the thread pool so hashing never blocks an event loop.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Spends the same time as a real check, so an unknown email cannot be told apart by timing.
    public func verifyAgainstDummy(_ password: String) async throws {
        let dummy = Bcrypt.hash("tandem-dummy-password", cost: cost)
        _ = try await verify(password, against: dummy)
    }
}
