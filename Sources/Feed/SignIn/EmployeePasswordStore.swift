public import Accounts
import Audit
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Employees who would rather type a password than wait for a link set one after signing in by
/// link. It is checked like a staff password: bcrypt, failures counted per identifier and per
/// client address (`SignInThrottle`), the same answer for an unknown person as for a wrong
/// password, and the same time spent either way.
public struct EmployeePasswordStore: Sendable {
    let database: Database
    let hasher: PasswordHasher
    let throttle: SignInThrottle
    let links: MagicLinkStore

    public init(database: Database, hasher: PasswordHasher, throttle: SignInThrottle, links: MagicLinkStore) {
        self.database = database
        self.hasher = hasher
        self.throttle = throttle
        self.links = links
    }

    public static let wrong = "That email or number and password do not match. Check both, or ask for a sign-in link instead."

    public func hasPassword(_ employeeID: Int64) async throws -> Bool {
        try await database.reader.raw("SELECT 1 AS n FROM employee_passwords WHERE employee_id = \(bind: employeeID)").first() != nil
    }

    /// Sets (or replaces) the person's password; audited without the password.
    public func set(_ employeeID: Int64, password: String, confirmation: String?, requestID: String?, now: Date = Date()) async throws {
        let email = try await database.reader.raw("SELECT work_email FROM employees WHERE id = \(bind: employeeID)").first()?
            .decode(column: "work_email", as: String?.self)
        try AccountRules.password(password, email: email)
        if let confirmation, confirmation != password { throw AppError.invalid("confirmation", "The two passwords differ. Type the same password twice.") }
        let hash = try await hasher.hash(password)
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO employee_passwords (employee_id, hash, updated_at) VALUES (\(bind: employeeID), \(bind: hash), \(bind: Millis.from(now)))
                ON CONFLICT (employee_id) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at
                """).run()
            try await AuditStore.append(AuditEntry(action: "auth.employee_password_set", entityType: "employee", entityID: String(employeeID), summary: "set a password"),
                                        by: AuditActor(userID: nil, label: "employee:\(employeeID)", channel: .web, requestID: requestID), on: db, at: now)
        }
    }

    /// Removes it: the person signs in by link again.
    public func remove(_ employeeID: Int64, requestID: String?) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM employee_passwords WHERE employee_id = \(bind: employeeID)").run()
            try await AuditStore.append(AuditEntry(action: "auth.employee_password_removed", entityType: "employee", entityID: String(employeeID), summary: "removed their password"),
                                        by: AuditActor(userID: nil, label: "employee:\(employeeID)", channel: .web, requestID: requestID), on: db)
        }
    }

    /// The employee the identifier and password belong to; throws 401 (or 429 after too many
    /// failures) otherwise.
    public func check(_ raw: String, password: String, address: String) async throws -> Int64 {
        let identifier = try SignInIdentifier.parse(raw)
        let subject = "employee:" + identifier.subject
        try await throttle.check(email: subject, address: address)
        var hash: String?
        var employeeID: Int64?
        if let recipient = try await links.recipient(for: identifier) {
            employeeID = recipient.employeeID
            hash = try await database.reader.raw("SELECT hash FROM employee_passwords WHERE employee_id = \(bind: recipient.employeeID)").first()?
                .decode(column: "hash", as: String.self)
        }
        guard let hash, let employeeID, try await hasher.verify(password, against: hash) else {
            if hash == nil { try await hasher.verifyAgainstDummy(password) }
            try await throttle.recordFailure(email: subject, address: address)
            throw AppError(.unauthorized, code: "wrong_password", message: Self.wrong, field: "password")
        }
        try await throttle.reset(email: subject)
        return employeeID
    }
}
