public import TandemCore
public import Audiences
import Engagement
public import Foundation
import SQLKit
public import TandemStore

/// Reach by persona. A person can fit several personas and personas are rules over HR data
/// that HR changes, so they are not kept in the rollups: they are counted when asked for, from
/// the per-person bits, against each persona's audience as it stands today.
public struct PersonaBreakdown: Sendable {
    public struct Row: Sendable, Equatable, Codable {
        public let persona: String
        public let audience: String?
        /// nil when suppressed (fewer recipients than the threshold) or hidden from this caller.
        public let recipients: Int?
        public let reached: Int?
        public let read: Int?
        public let acknowledged: Int?
        /// Why there are no figures.
        public let note: String?
    }

    let database: Database
    let counter: AudienceCounter
    let personas: PersonaStore

    public init(database: Database, threshold: Int) {
        self.database = database
        counter = AudienceCounter(database: database, threshold: threshold)
        personas = PersonaStore(database: database)
    }

    /// Rows for every persona; personas on HR-only fields show figures to HR alone.
    public func rows(_ subject: DashboardSubject, seesSensitive: Bool, suppression: Suppression) async throws -> [Row] {
        let id = subject.id
        let deliveries: SQLQueryString = switch subject {
        case .post: "SELECT employee_id FROM deliveries WHERE post_id = \(bind: id)"
        case .campaign: "SELECT employee_id FROM deliveries WHERE post_id IN (SELECT p.id FROM posts p WHERE p.campaign_id = \(bind: id))"
        }
        let people = SQLQueryString(subject.scope.people), key = SQLQueryString(subject.scope.key)
        let read = PeopleBits.anyChannel(.read), acknowledged = PeopleBits.anyChannel(.acknowledged)
        var out: [Row] = []
        for persona in try await personas.all() {
            guard let audience = persona.audienceName else {
                out.append(Row(persona: persona.name, audience: nil, recipients: nil, reached: nil, read: nil, acknowledged: nil, note: "No audience is linked to this persona."))
                continue
            }
            let condition: SQLQueryString
            do {
                let quoted = "\"" + audience.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
                condition = try await counter.membership("in audience \(quoted)", seesSensitive: seesSensitive)
            } catch {
                out.append(Row(persona: persona.name, audience: audience, recipients: nil, reached: nil, read: nil, acknowledged: nil,
                               note: "Its audience uses HR-only fields, so only HR sees its figures."))
                continue
            }
            let row = try await database.reader.raw("""
                SELECT COUNT(*) AS recipients,
                  CAST(COALESCE(SUM(CASE WHEN (f.lo & 1) = 1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS reached,
                  CAST(COALESCE(SUM(CASE WHEN (f.\(unsafeRaw: read.column) & \(bind: read.mask)) <> 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS read,
                  CAST(COALESCE(SUM(CASE WHEN (f.\(unsafeRaw: acknowledged.column) & \(bind: acknowledged.mask)) <> 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS acknowledged
                FROM employees LEFT JOIN \(people) f ON f.\(key) = \(bind: id) AND f.employee_id = employees.id
                WHERE employees.id IN (\(deliveries)) AND \(condition)
                """).first()
            let recipients = Int(try row?.decode(column: "recipients", as: Int64.self) ?? 0)
            guard suppression.allows(recipients) else {
                out.append(Row(persona: persona.name, audience: audience, recipients: nil, reached: nil, read: nil, acknowledged: nil,
                               note: "Fewer than \(suppression.threshold) recipients fit this persona."))
                continue
            }
            out.append(Row(persona: persona.name, audience: audience, recipients: recipients, reached: Int(try row?.decode(column: "reached", as: Int64.self) ?? 0),
                           read: Int(try row?.decode(column: "read", as: Int64.self) ?? 0), acknowledged: Int(try row?.decode(column: "acknowledged", as: Int64.self) ?? 0),
                           note: nil))
        }
        return out
    }
}
