public import Foundation
import Audiences
import People
import SQLKit
import TandemCore
public import TandemStore

/// Asks people in a lifecycle survey's audience when their HR date comes: 30 or 90 days after
/// their hire date, or in the week before their leaving date. Once a day per survey (claimed by
/// `lifecycle_on`), with a week's catch-up, so a server that was off for a few days, or a crash
/// between the claim and the invitations, still asks everyone whose day fell in the gap.
public struct LifecycleStore: Sendable {
    let database: Database
    static let catchUpDays = 7

    public init(database: Database) {
        self.database = database
    }

    /// Each open lifecycle survey not yet checked today: returns who was asked in each.
    public func tick(now: Date = Date()) async throws -> [(survey: Int64, invited: Int)] {
        let today = EmployeeRules.today(now)
        var out: [(Int64, Int)] = []
        for survey in try await database.reader.raw("""
            SELECT * FROM surveys WHERE state = \(bind: SurveyState.open.rawValue) AND lifecycle IS NOT NULL
              AND (lifecycle_on IS NULL OR lifecycle_on <> \(bind: today)) ORDER BY id
            """).all().map(SurveyStore.survey) {
            let invited = try await invite(survey, now: now)
            if invited > 0 { out.append((survey.id, invited)) }
        }
        return out
    }

    /// The HR-date window that asks a person today.
    static func window(_ trigger: LifecycleTrigger, today: String) -> SQLQueryString {
        func day(_ offset: Int) -> String { PulseStore.day(today, plus: offset) }
        return switch trigger {
        case .hired30: "hire_date BETWEEN \(bind: day(-30 - catchUpDays)) AND \(bind: day(-30))"
        case .hired90: "hire_date BETWEEN \(bind: day(-90 - catchUpDays)) AND \(bind: day(-90))"
        case .leaving: "termination_date BETWEEN \(bind: today) AND \(bind: day(catchUpDays))"
        }
    }

    /// Asks the survey's due people who were not asked before; returns how many.
    func invite(_ survey: Survey, now: Date) async throws -> Int {
        guard let trigger = survey.lifecycle else { return 0 }
        let today = EmployeeRules.today(now)
        let claimed = try await database.transaction { db in
            try await db.raw("""
                UPDATE surveys SET lifecycle_on = \(bind: today)
                WHERE id = \(bind: survey.id) AND state = \(bind: SurveyState.open.rawValue) AND (lifecycle_on IS NULL OR lifecycle_on <> \(bind: today))
                RETURNING id
                """).first() != nil
        }
        guard claimed, survey.acceptsAnswers(today: today) else { return 0 }
        let due = Set(try await database.reader.raw("""
            SELECT id FROM employees WHERE
            """ + " " + Self.window(trigger, today: today) + """
             AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.survey_id = \(bind: survey.id) AND i.employee_id = employees.id)
            """).all().map { try $0.decode(column: "id", as: Int64.self) })
        guard !due.isEmpty else { return 0 }
        // Of those, the ones in the audience and active today.
        var include: [String] = []
        if let id = survey.audienceID {
            guard let audience = try await AudienceStore(database: database).find(id: id) else { return 0 }
            include = [audience.name]
        }
        let counter = AudienceCounter(database: database)
        var people: [Int64] = []
        var after: Int64 = 0
        while true {
            let page = try await counter.recipients(include: include, exclude: [], after: after, limit: 5_000, today: today)
            guard let last = page.last else { break }
            people += page.map(\.id).filter(due.contains)
            after = last.id
        }
        guard !people.isEmpty else { return 0 }
        let (asked, channels) = (people, survey.channels)
        let invited = try await database.transaction { db in
            var added = 0
            for start in stride(from: 0, to: asked.count, by: 400) {
                let rows = asked[start..<min(asked.count, start + 400)].map { id -> SQLQueryString in "(\(bind: survey.id), \(bind: id), '', '', '', '', \(bind: false))" }
                added += try await db.raw("""
                    INSERT INTO survey_invitations (survey_id, employee_id, country, department, site, worker_type, responded) VALUES
                    """ + " " + rows.joined(separator: ", ") + " ON CONFLICT (survey_id, employee_id) DO NOTHING RETURNING employee_id").all().count
            }
            try await db.raw("""
                UPDATE survey_groups SET invited = invited + \(bind: Int64(added))
                WHERE survey_id = \(bind: survey.id) AND country = '' AND department = '' AND site = '' AND worker_type = ''
                """).run()
            try await db.raw("UPDATE surveys SET invited = invited + \(bind: Int64(added)) WHERE id = \(bind: survey.id)").run()
            _ = try await SurveyMessageStore.plan(db, survey: survey.id, channels: channels, round: 0, now: now)
            if added > 0 { try await database.feedSignal.record(.everyone, on: db) }
            return added
        }
        if invited > 0 { database.feedSignal.notify(.everyone) }
        return invited
    }
}
