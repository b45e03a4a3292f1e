public import Foundation
import People
import SQLKit
public import TandemCore
public import TandemStore

/// What an employee types to get a sign-in link: their work email or their mobile number.
public enum SignInIdentifier: Sendable, Equatable {
    case email(String)
    case phone(String)

    /// Refuses what is neither, with what to type instead.
    public static func parse(_ raw: String) throws -> SignInIdentifier {
        let value = raw.trimmed
        guard !value.isEmpty, value.count <= 254 else {
            throw AppError.invalid("identifier", "Enter your work email address or your mobile number in international form, such as +44 7700 900123.")
        }
        if value.contains("@") {
            guard let email = try? EmployeeRules.email(value) else {
                throw AppError.invalid("identifier", "'\(value.prefix(60))' is not an email address. Check it, or use your mobile number instead.")
            }
            return .email(email.lowercased())
        }
        guard let phone = try? EmployeeRules.phone(value) else {
            throw AppError.invalid("identifier", "'\(value.prefix(30))' is not a mobile number in international form. Start with + and the country code, such as +44 7700 900123.")
        }
        return .phone(phone)
    }

    var subject: String {
        switch self {
        case .email(let address): "e:" + Secrets.sha256Hex(address)
        case .phone(let number): "p:" + Secrets.sha256Hex(number)
        }
    }
}

/// Single-use, short-lived sign-in links. The link carries a random token; only its SHA-256 is
/// stored. Requests are limited per identifier and per client address, and the limit counts
/// every request, matched or not, so the page cannot be used to probe who works here.
public struct MagicLinkStore: Sendable {
    public struct Policy: Sendable {
        public var lifetime: TimeInterval = 15 * 60
        public var window: TimeInterval = 15 * 60
        public var perIdentifier = 3
        public var perAddress = 10
        public init() {}
    }

    public struct Recipient: Sendable, Equatable {
        public let employeeID: Int64
        public let name: String
        public let language: String
        public let email: String?
        public let phone: String?
    }

    public enum Outcome: Sendable, Equatable {
        case signedIn(employeeID: Int64)
        case used, expired, unknown
    }

    static let prefix = "m_"
    let database: Database
    public let policy: Policy

    public init(database: Database, policy: Policy = Policy()) {
        self.database = database
        self.policy = policy
    }

    /// Throws 429 when this identifier or this address asked too often; otherwise records the request.
    public func admit(_ identifier: SignInIdentifier, address: String, now: Date = Date()) async throws {
        let since = Millis.from(now.addingTimeInterval(-policy.window))
        let subjects = [(identifier.subject, policy.perIdentifier, "this email or number"),
                        ("i:" + Secrets.sha256Hex(address), policy.perAddress, "your network address")]
        try await database.transaction { db in
            for (subject, limit, what) in subjects {
                let row = try await db.raw("""
                    SELECT COUNT(*) AS n, MIN(at) AS oldest FROM sign_in_link_requests WHERE subject = \(bind: subject) AND at >= \(bind: since)
                    """).first()
                if Int(try row?.decode(column: "n", as: Int64.self) ?? 0) >= limit {
                    let oldest = try row?.decode(column: "oldest", as: Int64?.self) ?? Millis.from(now)
                    let wait = max(60, Int(Double(oldest) / 1000 + policy.window - now.timeIntervalSince1970))
                    throw AppError(.tooManyRequests, code: "too_many_requests",
                                   message: "Too many sign-in links were asked for \(what). Wait \((wait + 59) / 60) minutes, then ask again; use the newest link you received.",
                                   retryAfter: wait)
                }
            }
            for (subject, _, _) in subjects {
                try await db.raw("INSERT INTO sign_in_link_requests (subject, at) VALUES (\(bind: subject), \(bind: Millis.from(now)))").run()
            }
            try await db.raw("DELETE FROM sign_in_link_requests WHERE at < \(bind: since)").run()
        }
    }

    /// The current employee with this work email or mobile number, if exactly one matches.
    public func recipient(for identifier: SignInIdentifier, now: Date = Date()) async throws -> Recipient? {
        let rows: [any SQLRow]
        switch identifier {
        case .email(let address):
            rows = try await database.reader.raw("""
                SELECT id, given_name, preferred_name, family_name, language, work_email, mobile_phone, termination_date
                FROM employees WHERE LOWER(work_email) = \(bind: address) LIMIT 2
                """).all()
        case .phone(let number):
            rows = try await database.reader.raw("""
                SELECT id, given_name, preferred_name, family_name, language, work_email, mobile_phone, termination_date
                FROM employees WHERE mobile_phone = \(bind: number) LIMIT 2
                """).all()
        }
        // A shared address or number cannot say who is signing in.
        guard rows.count == 1, let row = rows.first else { return nil }
        if let left = try row.decode(column: "termination_date", as: String?.self), !left.isEmpty, left < EmployeeRules.today(now) { return nil }
        let given = try row.decode(column: "given_name", as: String.self)
        let preferred = try row.decode(column: "preferred_name", as: String?.self).flatMap { $0.isEmpty ? nil : $0 }
        return Recipient(employeeID: try row.decode(column: "id", as: Int64.self),
                         name: "\(preferred ?? given) \(try row.decode(column: "family_name", as: String.self))",
                         language: try row.decode(column: "language", as: String.self),
                         email: try row.decode(column: "work_email", as: String?.self),
                         phone: try row.decode(column: "mobile_phone", as: String?.self))
    }

    /// A new link token for the person; earlier unused links stay valid until they expire.
    public func issue(employeeID: Int64, channel: String, lifetime: TimeInterval? = nil, now: Date = Date()) async throws -> String {
        let token = Self.prefix + Secrets.token()
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO magic_links (id, employee_id, channel, created_at, expires_at)
                VALUES (\(bind: Secrets.sha256Hex(token)), \(bind: employeeID), \(bind: channel), \(bind: Millis.from(now)),
                        \(bind: Millis.from(now.addingTimeInterval(lifetime ?? policy.lifetime))))
                """).run()
            // Links a day past their expiry are of no use, even for telling "used" from "unknown".
            try await db.raw("DELETE FROM magic_links WHERE expires_at < \(bind: Millis.from(now.addingTimeInterval(-86_400)))").run()
        }
        return token
    }

    /// Uses the link: only the first call with an unexpired token signs in.
    public func consume(_ token: String, now: Date = Date()) async throws -> Outcome {
        guard token.hasPrefix(Self.prefix), token.count < 100 else { return .unknown }
        let id = Secrets.sha256Hex(token)
        let at = Millis.from(now)
        return try await database.transaction { db in
            if let row = try await db.raw("""
                UPDATE magic_links SET used_at = \(bind: at)
                WHERE id = \(bind: id) AND used_at IS NULL AND expires_at > \(bind: at) RETURNING employee_id
                """).first() {
                return .signedIn(employeeID: try row.decode(column: "employee_id", as: Int64.self))
            }
            guard let row = try await db.raw("SELECT used_at FROM magic_links WHERE id = \(bind: id)").first() else { return .unknown }
            return try row.decode(column: "used_at", as: Int64?.self) != nil ? .used : .expired
        }
    }

    /// Whether the token names a link that can still be used (the confirmation page asks first).
    public func isUsable(_ token: String, now: Date = Date()) async throws -> Outcome {
        guard token.hasPrefix(Self.prefix), token.count < 100 else { return .unknown }
        guard let row = try await database.reader.raw("""
            SELECT employee_id, used_at, expires_at FROM magic_links WHERE id = \(bind: Secrets.sha256Hex(token))
            """).first() else { return .unknown }
        if try row.decode(column: "used_at", as: Int64?.self) != nil { return .used }
        if try row.decode(column: "expires_at", as: Int64.self) <= Millis.from(now) { return .expired }
        return .signedIn(employeeID: try row.decode(column: "employee_id", as: Int64.self))
    }
}
