public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Who has acknowledged a post and who has not, for the staff who must make sure everyone did.
/// Recipients are the people the post was delivered to on any channel (not cancelled).
public struct AckBoardStore: Sendable {
    public struct Group: Sendable, Equatable, Encodable {
        public let name: String
        public let recipients: Int
        public let acknowledged: Int
    }

    public struct Person: Sendable, Equatable, Encodable {
        public let employeeId: String
        public let name: String
        public let site: String?
        public let manager: String?
        public let acknowledgedAt: Date?
    }

    public struct Board: Sendable, Equatable, Encodable {
        public let postId: Int64
        public let requiresAcknowledgement: Bool
        public let recipients: Int
        public let acknowledged: Int
        public let bySite: [Group]
        public let byManager: [Group]
    }

    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let recipients: SQLQueryString = "SELECT DISTINCT employee_id FROM deliveries WHERE state <> 'cancelled' AND post_id = "

    public func board(post postID: Int64) async throws -> Board? {
        guard let post = try await database.reader.raw("SELECT requires_ack FROM posts WHERE id = \(bind: postID)").first() else { return nil }
        func groups(_ key: String) async throws -> [Group] {
            try await database.reader.raw("""
                SELECT \(unsafeRaw: key) AS name, COUNT(*) AS n, COUNT(a.acked_at) AS acked
                FROM (\(Self.recipients)\(bind: postID)) r JOIN employees e ON e.id = r.employee_id
                LEFT JOIN employees m ON m.employee_id = e.manager_id
                LEFT JOIN post_acks a ON a.post_id = \(bind: postID) AND a.employee_id = r.employee_id
                GROUP BY \(unsafeRaw: key) ORDER BY COUNT(*) - COUNT(a.acked_at) DESC, \(unsafeRaw: key)
                """).all().map {
                Group(name: try $0.decode(column: "name", as: String?.self) ?? "(none)", recipients: Int(try $0.decode(column: "n", as: Int64.self)),
                      acknowledged: Int(try $0.decode(column: "acked", as: Int64.self)))
            }
        }
        let bySite = try await groups("e.site")
        let byManager = try await groups("COALESCE(m.preferred_name, m.given_name) || ' ' || m.family_name")
        return Board(postId: postID, requiresAcknowledgement: try post.decode(column: "requires_ack", as: Bool.self),
                     recipients: bySite.reduce(0) { $0 + $1.recipients }, acknowledged: bySite.reduce(0) { $0 + $1.acknowledged },
                     bySite: bySite, byManager: byManager)
    }

    /// People, those still waiting first; `waitingOnly` leaves out who has acknowledged.
    public func people(post postID: Int64, waitingOnly: Bool, limit: Int?) async throws -> [Person] {
        var sql: SQLQueryString = """
            SELECT e.employee_id, e.given_name, e.preferred_name, e.family_name, e.site, m.given_name AS m_given, m.preferred_name AS m_preferred,
                   m.family_name AS m_family, a.acked_at
            FROM (\(Self.recipients)\(bind: postID)) r JOIN employees e ON e.id = r.employee_id
            LEFT JOIN employees m ON m.employee_id = e.manager_id
            LEFT JOIN post_acks a ON a.post_id = \(bind: postID) AND a.employee_id = r.employee_id
            """
        if waitingOnly { sql = sql + " WHERE a.acked_at IS NULL" }
        sql = sql + " ORDER BY CASE WHEN a.acked_at IS NULL THEN 0 ELSE 1 END, e.site, e.family_name, e.id"
        if let limit { sql = sql + " LIMIT \(bind: limit)" }
        return try await database.reader.raw(sql).all().map { row in
            func name(_ given: String, _ preferred: String, _ family: String) throws -> String? {
                guard let g = try row.decode(column: given, as: String?.self) else { return nil }
                let p = try row.decode(column: preferred, as: String?.self).flatMap { $0.isEmpty ? nil : $0 }
                return "\(p ?? g) \(try row.decode(column: family, as: String?.self) ?? "")"
            }
            return Person(employeeId: try row.decode(column: "employee_id", as: String.self),
                          name: try name("given_name", "preferred_name", "family_name") ?? "",
                          site: try row.decode(column: "site", as: String?.self), manager: try name("m_given", "m_preferred", "m_family"),
                          acknowledgedAt: try row.decode(column: "acked_at", as: Int64?.self).map(Millis.date))
        }
    }
}
