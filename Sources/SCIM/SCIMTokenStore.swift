public import Accounts
public import Audit
public import Foundation
public import TandemCore
public import TandemStore

/// A SCIM token as an admin sees it; the secret itself is shown once and never stored.
public struct SCIMToken: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let prefix: String
    public let createdBy: String
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?
}

/// Bearer tokens for identity providers and HRIS connectors. Stored as SHA-256 like personal
/// API tokens, but in their own table and with their own prefix: they act as no user and
/// grant `/scim/v2/*` only.
public struct SCIMTokenStore: BearerTokenResolver {
    public static let prefix = "tdm_scim_"
    public var secretPrefix: String { Self.prefix }
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func create(name raw: String, by actor: AuditActor) async throws -> (SCIMToken, secret: String) {
        let name = try AccountRules.tokenName(raw)
        let secret = Secrets.token(prefix: Self.prefix)
        let prefix = String(secret.prefix(Self.prefix.count + 6))
        let now = Millis.from(Date())
        let id = try await database.transaction { db -> Int64 in
            let row = try await db.raw("""
                INSERT INTO scim_tokens (name, token_hash, prefix, created_by, created_at)
                VALUES (\(bind: name), \(bind: Secrets.sha256Hex(secret)), \(bind: prefix), \(bind: actor.label), \(bind: now))
                RETURNING id
                """).first()
            let id = try row!.decode(column: "id", as: Int64.self)
            try await AuditStore.append(
                AuditEntry(action: "scim_token.create", entityType: "scim_token", entityID: String(id), summary: "Created SCIM token '\(name)' (\(prefix)…)"),
                by: actor, on: db)
            return id
        }
        return (SCIMToken(id: id, name: name, prefix: prefix, createdBy: actor.label, createdAt: Millis.date(now), lastUsedAt: nil, revokedAt: nil), secret)
    }

    public func list() async throws -> [SCIMToken] {
        try await database.reader.raw("SELECT * FROM scim_tokens ORDER BY id DESC").all().map { row in
            SCIMToken(
                id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                prefix: try row.decode(column: "prefix", as: String.self), createdBy: try row.decode(column: "created_by", as: String.self),
                createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
                lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Millis.date),
                revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Millis.date))
        }
    }

    public func revoke(id: Int64, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT name, revoked_at FROM scim_tokens WHERE id = \(bind: id)").first() else {
                throw AppError.notFound("SCIM token \(id)")
            }
            guard try row.decode(column: "revoked_at", as: Int64?.self) == nil else { return }
            try await db.raw("UPDATE scim_tokens SET revoked_at = \(bind: Millis.from(Date())) WHERE id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "scim_token.revoke", entityType: "scim_token", entityID: String(id), summary: "Revoked SCIM token '\(try row.decode(column: "name", as: String.self))'"),
                by: actor, on: db)
        }
    }

    /// The SCIM client behind a secret, or nil for unknown or revoked tokens.
    public func identity(forSecret secret: String) async throws -> Identity? {
        guard secret.hasPrefix(Self.prefix), secret.count < 200 else { return nil }
        let hash = Secrets.sha256Hex(secret)
        guard let row = try await database.reader.raw("""
            SELECT id, name, token_hash, last_used_at FROM scim_tokens WHERE token_hash = \(bind: hash) AND revoked_at IS NULL
            """).first(),
            Secrets.constantTimeEquals(try row.decode(column: "token_hash", as: String.self), hash)
        else { return nil }
        let id = try row.decode(column: "id", as: Int64.self)
        let name = try row.decode(column: "name", as: String.self)
        // Record use at most once a minute so a busy sync does not turn every read into a write.
        let now = Millis.from(Date())
        if now - (try row.decode(column: "last_used_at", as: Int64?.self) ?? 0) > 60_000 {
            try await database.transaction { db in
                try await db.raw("UPDATE scim_tokens SET last_used_at = \(bind: now) WHERE id = \(bind: id)").run()
            }
        }
        return Identity(userID: 0, email: "scim:" + name, displayName: name, roles: [], mustChangePassword: false, credential: .scimToken(id: id))
    }
}
