public import Foundation
import SQLKit
public import TandemCore
import People

/// How many people of a set of audiences each way of contacting them reaches: the raw counts
/// that a post's per-channel reach is computed from.
public struct ContactReach: Sendable, Equatable, Codable {
    /// Active employees selected.
    public let total: Int
    public let emailAndPhone: Int
    public let emailOnly: Int
    public let phoneOnly: Int
    /// Neither a work email nor a mobile phone: reachable only in the feed (and on signage).
    public let neither: Int

    public init(total: Int, emailAndPhone: Int, emailOnly: Int, phoneOnly: Int, neither: Int) {
        self.total = total
        self.emailAndPhone = emailAndPhone
        self.emailOnly = emailOnly
        self.phoneOnly = phoneOnly
        self.neither = neither
    }

    public var withEmail: Int { emailAndPhone + emailOnly }
    public var withPhone: Int { emailAndPhone + phoneOnly }
}

extension AudienceCounter {
    /// The rule for "in any of `include` (everyone active when empty), and in none of `exclude`".
    public static func targetRule(include: [String], exclude: [String]) -> String {
        var parts: [Rule] = []
        if !include.isEmpty { parts.append(include.count == 1 ? .inAudience(include[0]) : .any(include.map(Rule.inAudience))) }
        if !exclude.isEmpty { parts.append(.not(exclude.count == 1 ? .inAudience(exclude[0]) : .any(exclude.map(Rule.inAudience)))) }
        return parts.isEmpty ? "status = \"active\"" : (parts.count == 1 ? parts[0] : .all(parts)).text
    }

    /// Contact counts for the people of saved audiences, in one scan. Targeting by saved
    /// audiences is allowed to anyone who reads posts; what each may see of the counts is the
    /// caller's concern (`PostReach` suppresses small groups).
    public func contactReach(include: [String], exclude: [String], today: String = EmployeeRules.today()) async throws -> ContactReach {
        let (_, condition, _) = try await prepare(Self.targetRule(include: include, exclude: exclude), seesSensitive: true, today: today)
        let email: SQLQueryString = "(work_email IS NOT NULL AND work_email <> '')"
        let phone: SQLQueryString = "(mobile_phone IS NOT NULL AND mobile_phone <> '')"
        let sql: SQLQueryString = "SELECT COUNT(*) AS total, "
            + "SUM(CASE WHEN " + email + " AND " + phone + " THEN 1 ELSE 0 END) AS both_ways, "
            + "SUM(CASE WHEN " + email + " AND NOT " + phone + " THEN 1 ELSE 0 END) AS email_only, "
            + "SUM(CASE WHEN " + phone + " AND NOT " + email + " THEN 1 ELSE 0 END) AS phone_only "
            + "FROM employees WHERE " + condition
        guard let row = try await database.reader.raw(sql).first() else { return ContactReach(total: 0, emailAndPhone: 0, emailOnly: 0, phoneOnly: 0, neither: 0) }
        let total = Int(try row.decode(column: "total", as: Int64.self))
        // SUM over no rows is NULL.
        let both = Int(try row.decode(column: "both_ways", as: Int64?.self) ?? 0)
        let emailOnly = Int(try row.decode(column: "email_only", as: Int64?.self) ?? 0)
        let phoneOnly = Int(try row.decode(column: "phone_only", as: Int64?.self) ?? 0)
        return ContactReach(total: total, emailAndPhone: both, emailOnly: emailOnly, phoneOnly: phoneOnly, neither: total - both - emailOnly - phoneOnly)
    }
}

/// One person a message is addressed to, with the facts delivery needs to pick channels and times.
public struct Recipient: Sendable, Equatable {
    public let id: Int64
    public let hasEmail: Bool
    public let hasPhone: Bool
    public let language: String
    public let timeZone: String

    public init(id: Int64, hasEmail: Bool, hasPhone: Bool, language: String, timeZone: String) {
        self.id = id
        self.hasEmail = hasEmail
        self.hasPhone = hasPhone
        self.language = language
        self.timeZone = timeZone
    }
}

extension AudienceCounter {
    /// The people of `include` minus `exclude` (as `targetRule`), in id order after `after`, at
    /// most `limit`: delivery walks an audience in pages so a crash resumes where it stopped.
    public func recipients(include: [String], exclude: [String], after: Int64, limit: Int, today: String = EmployeeRules.today()) async throws -> [Recipient] {
        let (_, condition, _) = try await prepare(Self.targetRule(include: include, exclude: exclude), seesSensitive: true, today: today)
        let sql: SQLQueryString = "SELECT id, work_email, mobile_phone, language, time_zone FROM employees WHERE id > \(bind: after) AND ("
            + condition + ") ORDER BY id LIMIT \(bind: limit)"
        return try await database.reader.raw(sql).all().map { row in
            Recipient(
                id: try row.decode(column: "id", as: Int64.self),
                hasEmail: !(try row.decode(column: "work_email", as: String?.self) ?? "").isEmpty,
                hasPhone: !(try row.decode(column: "mobile_phone", as: String?.self) ?? "").isEmpty,
                language: try row.decode(column: "language", as: String.self), timeZone: try row.decode(column: "time_zone", as: String.self))
        }
    }
}
