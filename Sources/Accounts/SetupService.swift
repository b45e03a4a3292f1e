public import Audit
public import Foundation
public import TandemCore
public import TandemStore

/// First run: while there are no users, a one-time link lets the operator create the first admin.
/// The link's token is stored hashed, expires after a day, and dies once used.
public struct SetupService: Sendable {
    static let key = "setup_token"
    let database: Database
    let hasher: PasswordHasher

    public init(database: Database, hasher: PasswordHasher) {
        self.database = database
        self.hasher = hasher
    }

    /// Returns a fresh setup token when no user exists yet, else nil.
    public func prepare(now: Date = Date()) async throws -> String? {
        let token = Secrets.token(bytes: 24)
        let value = Secrets.sha256Hex(token) + "|" + String(Millis.from(now.addingTimeInterval(24 * 3600)))
        return try await database.transaction { db -> String? in
            let users = try await db.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int64.self) ?? 0
            guard users == 0 else { return nil }
            try await db.raw("DELETE FROM settings WHERE key = \(bind: Self.key)").run()
            try await db.raw("INSERT INTO settings (key, value, updated_at) VALUES (\(bind: Self.key), \(bind: value), \(bind: Millis.from(now)))").run()
            return token
        }
    }

    public func isValid(_ token: String, now: Date = Date()) async throws -> Bool {
        guard let value = try await database.reader.raw("SELECT value FROM settings WHERE key = \(bind: Self.key)").first()?.decode(column: "value", as: String.self)
        else { return false }
        return Self.matches(token, stored: value, now: now)
    }

    static func matches(_ token: String, stored: String, now: Date) -> Bool {
        let parts = stored.split(separator: "|")
        guard parts.count == 2, let expires = Int64(parts[1]), expires > Millis.from(now) else { return false }
        return Secrets.constantTimeEquals(String(parts[0]), Secrets.sha256Hex(token))
    }

    /// Creates the first admin, consuming the token. Fails if anyone else finished first.
    public func complete(token: String, email: String, displayName: String, password: String, now: Date = Date()) async throws -> User {
        let new = try NewUser(email: email, displayName: displayName, roles: [Role.admin.rawValue], teamID: nil)
        try AccountRules.password(password, email: new.email)
        let hash = try await hasher.hash(password)
        return try await database.transaction { db in
            guard let stored = try await db.raw("SELECT value FROM settings WHERE key = \(bind: Self.key)").first()?.decode(column: "value", as: String.self),
                Self.matches(token, stored: stored, now: now)
            else {
                throw AppError(.forbidden, code: "setup_link_invalid", message: "This setup link is invalid, used or expired. Restart tandem serve to print a new one.")
            }
            try await db.raw("DELETE FROM settings WHERE key = \(bind: Self.key)").run()
            return try await UserStore.insert(new, passwordHash: hash, mustChangePassword: false, by: AuditActor(userID: nil, label: new.email, channel: .web), on: db)
        }
    }
}
