public import Foundation
public import TandemCore
public import TandemStore

/// Limits failed sign-ins per account and per client address, counted in the database so every
/// node sees the same count. Subjects are stored hashed: the table holds no emails or addresses.
public struct SignInThrottle: Sendable {
    public struct Policy: Sendable {
        public var window: TimeInterval = 15 * 60
        public var perAccount = 5
        public var perAddress = 20
        public init() {}
    }

    let database: Database
    let policy: Policy

    public init(database: Database, policy: Policy = Policy()) {
        self.database = database
        self.policy = policy
    }

    static func subject(account email: String) -> String { "a:" + Secrets.sha256Hex(email.lowercased()) }
    static func subject(address: String) -> String { "i:" + Secrets.sha256Hex(address) }

    /// Throws 429 with the wait time when either limit is reached.
    public func check(email: String, address: String, now: Date = Date()) async throws {
        let since = Millis.from(now.addingTimeInterval(-policy.window))
        for (subject, limit, what) in [
            (Self.subject(account: email), policy.perAccount, "this account"),
            (Self.subject(address: address), policy.perAddress, "your network address"),
        ] {
            let row = try await database.reader.raw("""
                SELECT COUNT(*) AS n, MIN(at) AS oldest FROM sign_in_failures WHERE subject = \(bind: subject) AND at >= \(bind: since)
                """).first()
            let count = Int(try row?.decode(column: "n", as: Int64.self) ?? 0)
            if count >= limit {
                let oldest = try row?.decode(column: "oldest", as: Int64?.self) ?? Millis.from(now)
                let waitSeconds = max(60, Int((Double(oldest) / 1000 + policy.window) - now.timeIntervalSince1970))
                throw AppError(
                    .tooManyRequests, code: "too_many_attempts",
                    message: "Too many failed sign-ins for \(what). Try again in \((waitSeconds + 59) / 60) minutes, or ask an admin to reset your password.",
                    retryAfter: waitSeconds)
            }
        }
    }

    public func recordFailure(email: String, address: String, now: Date = Date()) async throws {
        let at = Millis.from(now)
        let expired = Millis.from(now.addingTimeInterval(-policy.window))
        try await database.transaction { db in
            try await db.raw("INSERT INTO sign_in_failures (subject, at) VALUES (\(bind: Self.subject(account: email)), \(bind: at))").run()
            try await db.raw("INSERT INTO sign_in_failures (subject, at) VALUES (\(bind: Self.subject(address: address)), \(bind: at))").run()
            try await db.raw("DELETE FROM sign_in_failures WHERE at < \(bind: expired)").run()
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    public func reset(email: String) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM sign_in_failures WHERE subject = \(bind: Self.subject(account: email))").run()
        }
    }
}
