import HummingbirdBcrypt
import NIOPosix
import TandemCore

/// bcrypt, run on the thread pool so hashing never blocks an event loop.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    /// bcrypt ignores input past 72 bytes; longer passwords are first reduced to their SHA-256
    /// (64 hex characters) so every character counts.
    static func input(_ password: String) -> String {
        password.utf8.count > 72 ? Secrets.sha256Hex(password) : password
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        let input = Self.input(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        let input = Self.input(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    /// Spends the same time as a real check, so an unknown email cannot be told apart by timing.
    public func verifyAgainstDummy(_ password: String) async throws {
        let dummy = Bcrypt.hash("tandem-dummy-password", cost: cost)
        _ = try await verify(password, against: dummy)
    }
}
