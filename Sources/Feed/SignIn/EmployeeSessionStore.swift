public import Accounts
import Audit
public import Foundation
import People
import SQLKit
public import TandemCore
public import TandemStore

/// Browser sessions of employees who signed in with a magic link. The cookie is the same one
/// staff sessions use; its value starts with `e_`, which routes the lookup here. Only the
/// token's SHA-256 is stored.
public struct EmployeeSessionStore: SessionCookieResolver {
    public static let prefix = "e_"
    let database: Database
    public let lifetime: Duration

    public init(database: Database, lifetime: Duration = .seconds(30 * 86_400)) {
        self.database = database
        self.lifetime = lifetime
    }

    public var cookiePrefix: String { Self.prefix }

    public struct Created: Sendable {
        public let token: String
        public let expiresAt: Date
    }

    /// Starts a session and records the sign-in in the audit log.
    public func create(employeeID: Int64, via: String, requestID: String?, now: Date = Date()) async throws -> Created {
        let token = Self.prefix + Secrets.token()
        let expires = now.addingTimeInterval(Double(lifetime.components.seconds))
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO employee_sessions (id, employee_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: Secrets.sha256Hex(token)), \(bind: employeeID), \(bind: Secrets.token(bytes: 24)), \(bind: Millis.from(now)), \(bind: Millis.from(expires)))
                """).run()
            try await db.raw("DELETE FROM employee_sessions WHERE expires_at < \(bind: Millis.from(now))").run()
            try await AuditStore.append(
                AuditEntry(action: "auth.employee_sign_in", entityType: "employee", entityID: String(employeeID), summary: "signed in with \(via)"),
                by: AuditActor(userID: nil, label: "employee:\(employeeID)", channel: .web, requestID: requestID), on: db, at: now)
        }
        return Created(token: token, expiresAt: expires)
    }

    public func identity(forToken token: String) async throws -> Identity? {
        try await identity(forToken: token, now: Date())
    }

    public func identity(forToken token: String, now: Date) async throws -> Identity? {
        let id = Secrets.sha256Hex(token)
        guard let row = try await database.reader.raw("""
            SELECT s.employee_id, s.csrf_token, s.expires_at, e.given_name, e.preferred_name, e.family_name, e.work_email, e.termination_date
            FROM employee_sessions s JOIN employees e ON e.id = s.employee_id
            WHERE s.id = \(bind: id)
            """).first() else { return nil }
        guard try row.decode(column: "expires_at", as: Int64.self) > Millis.from(now) else { return nil }
        // People who have left lose access on their last day's end.
        if let left = try row.decode(column: "termination_date", as: String?.self), !left.isEmpty, left < EmployeeRules.today(now) { return nil }
        let given = try row.decode(column: "given_name", as: String.self)
        let preferred = try row.decode(column: "preferred_name", as: String?.self).flatMap { $0.isEmpty ? nil : $0 }
        let employeeID = try row.decode(column: "employee_id", as: Int64.self)
        return Identity(
            userID: 0, email: try row.decode(column: "work_email", as: String?.self) ?? "",
            displayName: "\(preferred ?? given) \(try row.decode(column: "family_name", as: String.self))",
            roles: [.employee], mustChangePassword: false,
            credential: .employeeSession(id: id, csrfToken: try row.decode(column: "csrf_token", as: String.self)),
            employeeID: employeeID)
    }

    public func delete(id: String) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM employee_sessions WHERE id = \(bind: id)").run()
        }
    }

    /// Ends every session of one person (HR: a lost phone).
    public func deleteAll(employeeID: Int64) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM employee_sessions WHERE employee_id = \(bind: employeeID)").run()
        }
    }
}

/// Staff whose work email belongs to exactly one current employee read that employee's feed
/// with their staff session (`Access.employee` passes; staff pages are unchanged).
public struct StaffEmployeeLink: StaffEmployeeLinker {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func employeeID(forStaffEmail email: String) async throws -> Int64? {
        let rows = try await database.reader.raw("""
            SELECT id FROM employees WHERE LOWER(work_email) = \(bind: email.lowercased())
            AND (termination_date IS NULL OR termination_date = '' OR termination_date >= \(bind: EmployeeRules.today()))
            LIMIT 2
            """).all()
        guard rows.count == 1 else { return nil }
        return try rows[0].decode(column: "id", as: Int64.self)
    }
}
