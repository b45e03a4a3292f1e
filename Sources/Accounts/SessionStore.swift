public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Browser sessions, stored in the database so several `tandem serve` nodes share them.
/// The cookie holds a random token; only its SHA-256 is stored.
public struct SessionStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Created: Sendable {
        public let token: String
        public let id: String
        public let csrfToken: String
        public let expiresAt: Date
    }

    public func create(userID: User.ID, email: String, lifetime: Duration, by actor: AuditActor) async throws -> Created {
        let token = Secrets.token()
        let id = Secrets.sha256Hex(token)
        let csrf = Secrets.token(bytes: 24)
        let now = Date()
        let expires = now.addingTimeInterval(Double(lifetime.components.seconds))
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: id), \(bind: userID), \(bind: csrf), \(bind: Millis.from(now)), \(bind: Millis.from(expires)))
                """).run()
            try await AuditStore.append(
                AuditEntry(action: "auth.sign_in", entityType: "user", entityID: String(userID), summary: "\(email) signed in"),
                by: actor, on: db)
            // Keep the table small: expired sessions are useless.
            try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: Millis.from(now))").run()
        }
        return Created(token: token, id: id, csrfToken: csrf, expiresAt: expires)
    }

    /// The identity behind a session cookie, or nil when unknown, expired or the user is inactive.
    public func identity(forToken token: String, now: Date = Date()) async throws -> Identity? {
        let id = Secrets.sha256Hex(token)
        guard let row = try await database.reader.raw("""
            SELECT s.user_id, s.csrf_token, s.expires_at, u.email, u.display_name, u.must_change_password
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = \(bind: id) AND u.is_active = \(bind: true)
            """).first()
        else { return nil }
        guard try row.decode(column: "expires_at", as: Int64.self) > Millis.from(now) else { return nil }
        let userID = try row.decode(column: "user_id", as: Int64.self)
        return Identity(
            userID: userID,
            email: try row.decode(column: "email", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            roles: try await Self.roles(userID, on: database.reader),
            mustChangePassword: try row.decode(column: "must_change_password", as: Bool.self),
            credential: .session(id: id, csrfToken: try row.decode(column: "csrf_token", as: String.self)))
    }

    public func delete(id: String) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM sessions WHERE id = \(bind: id)").run()
        }
    }

    /// Signs the user out everywhere except, optionally, the current session.
    public func deleteAll(userID: User.ID, except keep: String? = nil) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userID) AND id <> \(bind: keep ?? "")").run()
        }
    }

    static func roles(_ userID: User.ID, on db: any SQLDatabase) async throws -> Set<Role> {
        Set(try await db.raw("SELECT role FROM user_roles WHERE user_id = \(bind: userID)").all().compactMap {
            Role(rawValue: try $0.decode(column: "role", as: String.self))
        })
    }
}
