public import Audit
public import Foundation
public import TandemCore
public import TandemStore

/// Personal API tokens. The secret is printed once; the database keeps its SHA-256 and a
/// short prefix so users can tell tokens apart.
public struct TokenStore: Sendable {
    public static let secretPrefix = "tdm_"
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func create(userID: User.ID, name raw: String, by actor: AuditActor) async throws -> (APIToken, secret: String) {
        let name = try AccountRules.tokenName(raw)
        var candidate = Secrets.token(prefix: Self.secretPrefix)
        // Bearer tokens are routed by prefix, and `tdm_scim_` belongs to SCIM tokens.
        while candidate.hasPrefix(Self.secretPrefix + "scim_") { candidate = Secrets.token(prefix: Self.secretPrefix) }
        let secret = candidate
        let prefix = String(secret.prefix(Self.secretPrefix.count + 6))
        let now = Date()
        let id = try await database.transaction { db -> Int64 in
            let row = try await db.raw("""
                INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)
                VALUES (\(bind: userID), \(bind: name), \(bind: Secrets.sha256Hex(secret)), \(bind: prefix), \(bind: Millis.from(now)))
                RETURNING id
                """).first()
            let id = try row!.decode(column: "id", as: Int64.self)
            try await AuditStore.append(
                AuditEntry(action: "token.create", entityType: "api_token", entityID: String(id), summary: "Created API token '\(name)' (\(prefix)…) for user \(userID)"),
                by: actor, on: db)
            return id
        }
        return (APIToken(id: id, name: name, prefix: prefix, createdAt: Millis.date(Millis.from(now)), lastUsedAt: nil, revokedAt: nil), secret)
    }

    public func list(userID: User.ID) async throws -> [APIToken] {
        try await database.reader.raw("SELECT * FROM api_tokens WHERE user_id = \(bind: userID) ORDER BY id DESC").all().map { row in
            APIToken(
                id: try row.decode(column: "id", as: Int64.self),
                name: try row.decode(column: "name", as: String.self),
                prefix: try row.decode(column: "prefix", as: String.self),
                createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
                lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Millis.date),
                revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Millis.date))
        }
    }

    /// Revokes one of the user's own tokens. Unknown or foreign ids answer 404 alike.
    public func revoke(id: APIToken.ID, userID: User.ID, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT name, revoked_at FROM api_tokens WHERE id = \(bind: id) AND user_id = \(bind: userID)").first() else {
                throw AppError.notFound("Token \(id)")
            }
            guard try row.decode(column: "revoked_at", as: Int64?.self) == nil else { return }
            try await db.raw("UPDATE api_tokens SET revoked_at = \(bind: Millis.from(Date())) WHERE id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "token.revoke", entityType: "api_token", entityID: String(id), summary: "Revoked API token '\(try row.decode(column: "name", as: String.self))'"),
                by: actor, on: db)
        }
    }

    /// The identity behind a bearer token, or nil for unknown, revoked or inactive.
    public func identity(forSecret secret: String) async throws -> Identity? {
        guard secret.hasPrefix(Self.secretPrefix), secret.count < 200 else { return nil }
        let hash = Secrets.sha256Hex(secret)
        guard let row = try await database.reader.raw("""
            SELECT t.id, t.user_id, t.token_hash, t.last_used_at, u.email, u.display_name
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL AND u.is_active = \(bind: true)
            """).first(),
            Secrets.constantTimeEquals(try row.decode(column: "token_hash", as: String.self), hash)
        else { return nil }
        let id = try row.decode(column: "id", as: Int64.self)
        let userID = try row.decode(column: "user_id", as: Int64.self)
        // Record use at most once a minute so a busy client does not turn reads into writes.
        let lastUsed = try row.decode(column: "last_used_at", as: Int64?.self) ?? 0
        let now = Millis.from(Date())
        if now - lastUsed > 60_000 {
            try await database.transaction { db in
                try await db.raw("UPDATE api_tokens SET last_used_at = \(bind: now) WHERE id = \(bind: id)").run()
            }
        }
        return Identity(
            userID: userID,
            email: try row.decode(column: "email", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            roles: try await SessionStore.roles(userID, on: database.reader),
            mustChangePassword: false,
            credential: .apiToken(id: id))
    }
}
