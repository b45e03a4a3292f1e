public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Staff users, their roles and teams. Every change is audited in the same transaction.
public struct UserStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let selectUsers: SQLQueryString = """
        SELECT u.id, u.email, u.display_name, u.must_change_password, u.is_active, u.created_at, u.last_sign_in_at,
               t.id AS team_id, t.name AS team_name
        FROM users u LEFT JOIN teams t ON t.id = u.team_id
        """

    // MARK: reading

    public func count() async throws -> Int {
        Int(try await database.reader.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int64.self) ?? 0)
    }

    public func find(id: User.ID) async throws -> User? {
        try await Self.users(Self.selectUsers + " WHERE u.id = \(bind: id)", on: database.reader).first
    }

    public func find(email: String) async throws -> User? {
        try await Self.users(Self.selectUsers + " WHERE u.email = \(bind: email.lowercased())", on: database.reader).first
    }

    public func list(cursor: Int64?, limit: Int) async throws -> Page<User> {
        let after = cursor ?? 0
        let users = try await Self.users(
            Self.selectUsers + " WHERE u.id > \(bind: after) ORDER BY u.id LIMIT \(bind: limit + 1)", on: database.reader)
        let page = Array(users.prefix(limit))
        return Page(items: page, nextCursor: users.count > limit ? page.last.map { Cursor.encode($0.id) } : nil)
    }

    /// The stored bcrypt hash, for signing in; nil for unknown or deactivated users.
    public func passwordHash(for userID: User.ID) async throws -> String? {
        try await database.reader.raw("SELECT password_hash FROM users WHERE id = \(bind: userID) AND is_active = \(bind: true)")
            .first()?.decode(column: "password_hash", as: String?.self)
    }

    static func users(_ query: SQLQueryString, on db: any SQLDatabase) async throws -> [User] {
        let rows = try await db.raw(query).all()
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }
        let roleRows = try await db.raw("SELECT user_id, role FROM user_roles WHERE user_id IN (\(binds: ids))").all()
        var roles: [Int64: [Role]] = [:]
        for row in roleRows {
            if let role = Role(rawValue: try row.decode(column: "role", as: String.self)) {
                roles[try row.decode(column: "user_id", as: Int64.self), default: []].append(role)
            }
        }
        return try rows.map { row in
            let id = try row.decode(column: "id", as: Int64.self)
            let teamID = try row.decode(column: "team_id", as: Int64?.self)
            return User(
                id: id,
                email: try row.decode(column: "email", as: String.self),
                displayName: try row.decode(column: "display_name", as: String.self),
                roles: (roles[id] ?? []).sorted(),
                team: try teamID.map { Team(id: $0, name: try row.decode(column: "team_name", as: String.self)) },
                isActive: try row.decode(column: "is_active", as: Bool.self),
                mustChangePassword: try row.decode(column: "must_change_password", as: Bool.self),
                createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
                lastSignInAt: try row.decode(column: "last_sign_in_at", as: Int64?.self).map(Millis.date))
        }
    }

    // MARK: writing

    public func create(_ new: NewUser, passwordHash: String, mustChangePassword: Bool, by actor: AuditActor) async throws -> User {
        try await database.transaction { db in
            try await Self.insert(new, passwordHash: passwordHash, mustChangePassword: mustChangePassword, by: actor, on: db)
        }
    }

    /// Inserts a user inside the caller's transaction (setup uses it to make the first admin atomically).
    static func insert(_ new: NewUser, passwordHash: String, mustChangePassword: Bool, by actor: AuditActor, on db: any SQLDatabase) async throws -> User {
        if try await db.raw("SELECT id FROM users WHERE email = \(bind: new.email)").first() != nil {
            throw AppError.conflict("A user with the email \(new.email) already exists.", field: "email")
        }
        let teamName = try await Self.teamName(new.teamID, on: db)
        let now = Millis.from(Date())
        let row = try await db.raw("""
            INSERT INTO users (email, display_name, password_hash, must_change_password, team_id, is_active, created_at, updated_at)
            VALUES (\(bind: new.email), \(bind: new.displayName), \(bind: passwordHash), \(bind: mustChangePassword),
                    \(bind: new.teamID), \(bind: true), \(bind: now), \(bind: now))
            RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The user could not be created.") }
        for role in new.roles.sorted() {
            try await db.raw("INSERT INTO user_roles (user_id, role) VALUES (\(bind: id), \(bind: role.rawValue))").run()
        }
        let roleList = new.roles.sorted().map(\.rawValue).joined(separator: ", ")
        try await AuditStore.append(
            AuditEntry(
                action: "user.create", entityType: "user", entityID: String(id),
                summary: "Created user \(new.email) with roles \(roleList)",
                after: ["email": new.email, "display_name": new.displayName, "roles": roleList, "team": teamName ?? ""]),
            by: actor, on: db)
        return try await Self.users(Self.selectUsers + " WHERE u.id = \(bind: id)", on: db)[0]
    }

    public func update(_ id: User.ID, _ change: UserChange, by actor: AuditActor) async throws -> User {
        try await database.transaction { db in
            guard let before = try await Self.users(Self.selectUsers + " WHERE u.id = \(bind: id)", on: db).first else {
                throw AppError.notFound("User \(id)")
            }
            let dropsAdmin = change.roles.map { !$0.contains(.admin) } ?? false
            if before.roles.contains(.admin), dropsAdmin || change.isActive == false {
                try await Self.requireAnotherAdmin(besides: id, on: db)
            }
            var sets: [SQLQueryString] = ["updated_at = \(bind: Millis.from(Date()))"]
            if let name = change.displayName { sets.append("display_name = \(bind: name)") }
            if let teamID = change.teamID {
                _ = try await Self.teamName(teamID, on: db)
                sets.append("team_id = \(bind: teamID)")
            }
            if let active = change.isActive { sets.append("is_active = \(bind: active)") }
            try await db.raw("UPDATE users SET " + sets.joined(separator: ", ") + " WHERE id = \(bind: id)").run()
            if let roles = change.roles {
                try await db.raw("DELETE FROM user_roles WHERE user_id = \(bind: id)").run()
                for role in roles.sorted() {
                    try await db.raw("INSERT INTO user_roles (user_id, role) VALUES (\(bind: id), \(bind: role.rawValue))").run()
                }
            }
            if change.isActive == false {
                try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: id)").run()
            }
            let after = try await Self.users(Self.selectUsers + " WHERE u.id = \(bind: id)", on: db)[0]
            let (old, new) = Self.diff(before, after)
            try await AuditStore.append(
                AuditEntry(
                    action: "user.update", entityType: "user", entityID: String(id),
                    summary: "Updated user \(after.email): " + (new.keys.sorted().joined(separator: ", ").nilIfEmpty ?? "no changes"),
                    before: old, after: new),
                by: actor, on: db)
            return after
        }
    }

    public func setPassword(_ id: User.ID, hash: String, mustChange: Bool, reason: String, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let email = try await db.raw("SELECT email FROM users WHERE id = \(bind: id)").first()?.decode(column: "email", as: String.self) else {
                throw AppError.notFound("User \(id)")
            }
            try await db.raw("""
                UPDATE users SET password_hash = \(bind: hash), must_change_password = \(bind: mustChange),
                updated_at = \(bind: Millis.from(Date())) WHERE id = \(bind: id)
                """).run()
            try await AuditStore.append(
                AuditEntry(action: "user.password", entityType: "user", entityID: String(id), summary: "\(reason) for \(email)"),
                by: actor, on: db)
        }
    }

    public func recordSignIn(_ id: User.ID) async throws {
        try await database.transaction { db in
            try await db.raw("UPDATE users SET last_sign_in_at = \(bind: Millis.from(Date())) WHERE id = \(bind: id)").run()
        }
    }

    /// The last admin cannot be demoted or deactivated: someone must be able to manage Tandem.
    static func requireAnotherAdmin(besides id: User.ID, on db: any SQLDatabase) async throws {
        let others = try await db.raw("""
            SELECT COUNT(*) AS n FROM user_roles r JOIN users u ON u.id = r.user_id
            WHERE r.role = 'admin' AND u.is_active = \(bind: true) AND u.id <> \(bind: id)
            """).first()?.decode(column: "n", as: Int64.self) ?? 0
        if others == 0 {
            throw AppError.conflict("This is the last active admin. Make another user an admin first.", field: "roles")
        }
    }

    static func teamName(_ teamID: Team.ID?, on db: any SQLDatabase) async throws -> String? {
        guard let teamID else { return nil }
        guard let row = try await db.raw("SELECT name FROM teams WHERE id = \(bind: teamID)").first() else {
            throw AppError.invalid("team_id", "Team \(teamID) does not exist.")
        }
        return try row.decode(column: "name", as: String.self)
    }

    static func diff(_ before: User, _ after: User) -> ([String: String], [String: String]) {
        var old: [String: String] = [:]
        var new: [String: String] = [:]
        func compare(_ key: String, _ a: String, _ b: String) {
            if a != b { old[key] = a; new[key] = b }
        }
        compare("display_name", before.displayName, after.displayName)
        compare("roles", before.roles.map(\.rawValue).joined(separator: ", "), after.roles.map(\.rawValue).joined(separator: ", "))
        compare("team", before.team?.name ?? "", after.team?.name ?? "")
        compare("active", String(before.isActive), String(after.isActive))
        return (old, new)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
