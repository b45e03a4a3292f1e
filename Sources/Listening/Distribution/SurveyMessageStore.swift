public import Audit
public import Foundation
import People
import SQLKit
public import TandemCore
public import TandemStore

/// The survey outbox: planning invitations and reminders, claiming them for the messenger, and
/// how far each survey's have got.
public struct SurveyMessageStore: Sendable {
    let database: Database
    /// How long a claim holds a row; a row still `sending` after it is claimed again.
    static let lease: TimeInterval = 120
    static let maximumAttempts = 5
    /// Reminders by hand wait this long after the invitation or the last reminder.
    public static let reminderPause: TimeInterval = 20 * 3_600
    public static let maximumReminders = 4

    public init(database: Database) {
        self.database = database
    }

    /// Plans one round for a survey's invitees on `channels`, inside the caller's transaction:
    /// the invitation (round 0) to everyone asked, a reminder only to those who have not answered
    /// and still work here. The UNIQUE key makes a repeat plan nothing. Returns rows added.
    static func plan(_ db: any SQLDatabase, survey: Int64, channels: [SurveyChannel], round: Int, now: Date) async throws -> Int {
        let stamp = Millis.from(now)
        let waiting: SQLQueryString = round == 0 ? "" : " AND i.responded = \(bind: false) AND (e.termination_date IS NULL OR e.termination_date >= \(bind: EmployeeRules.today(now)))"
        var added = 0
        for channel in channels {
            let reach: SQLQueryString = switch channel {
            case .email: "e.work_email IS NOT NULL AND e.work_email <> ''"
            case .sms where channels.contains(.email):
                "e.mobile_phone IS NOT NULL AND e.mobile_phone <> '' AND (e.work_email IS NULL OR e.work_email = '')"
            case .sms: "e.mobile_phone IS NOT NULL AND e.mobile_phone <> ''"
            }
            added += try await db.raw("""
                INSERT INTO survey_messages (survey_id, employee_id, channel, round, state, due_at, updated_at)
                SELECT i.survey_id, i.employee_id, \(bind: channel.rawValue), \(bind: Int64(round)), \(bind: SurveyMessageState.pending.rawValue), \(bind: stamp), \(bind: stamp)
                FROM survey_invitations i JOIN employees e ON e.id = i.employee_id
                WHERE i.survey_id = \(bind: survey) AND
                """ + " " + reach + waiting + " ON CONFLICT (survey_id, employee_id, channel, round) DO NOTHING RETURNING id").all().count
        }
        return added
    }

    /// Messages not yet sent stop when the survey closes (inside the closing transaction).
    static func cancel(_ db: any SQLDatabase, survey: Int64, now: Date) async throws {
        try await db.raw("""
            UPDATE survey_messages SET state = \(bind: SurveyMessageState.cancelled.rawValue), lease_until = NULL, updated_at = \(bind: Millis.from(now))
            WHERE survey_id = \(bind: survey) AND state IN ('pending', 'failed')
            """).run()
    }

    /// A reminder round to everyone asked who has not answered. By hand (`automatic` false) it
    /// is refused within `reminderPause` of the last message round; the automatic schedule
    /// calls it when its day comes. Returns the round and how many messages it planned.
    public func remind(_ id: Int64, by actor: AuditActor, automatic: Bool = false, now: Date = Date()) async throws -> (round: Int, planned: Int) {
        try await database.transaction { db in
            guard let survey = try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first().map(SurveyStore.survey) else { throw AppError.notFound("Survey") }
            guard survey.acceptsAnswers(today: EmployeeRules.today(now)) else {
                throw AppError.conflict("Only an open survey can be reminded; this one is \(survey.state == .open ? "past its closing day" : survey.state.rawValue).")
            }
            guard !survey.channels.isEmpty || !survey.chatDestinations.isEmpty else {
                throw AppError.conflict("This survey goes to the feed only, where its card stays until people answer. Reminders go by email, SMS or chat.")
            }
            guard survey.reminders < Self.maximumReminders else {
                throw AppError.conflict("This survey has had \(survey.reminders) reminders, the most Tandem sends. The feed card stays until people answer.")
            }
            let last = survey.remindedAt ?? survey.openedAt ?? now
            if !automatic, now < last.addingTimeInterval(Self.reminderPause) {
                let next = last.addingTimeInterval(Self.reminderPause)
                throw AppError.conflict("The last message went at \(Self.stamp(last)); the next reminder can go from \(Self.stamp(next)), so people are not pestered.")
            }
            let changed = try await db.raw("""
                UPDATE surveys SET reminders = reminders + 1, reminded_at = \(bind: Millis.from(now))
                WHERE id = \(bind: id) AND reminders = \(bind: Int64(survey.reminders)) RETURNING reminders
                """).first()
            guard let round = try changed?.decode(column: "reminders", as: Int64.self) else {
                throw AppError.conflict("Someone else sent a reminder meanwhile. Reload the survey.")
            }
            let planned = try await Self.plan(db, survey: id, channels: survey.channels, round: Int(round), now: now)
            let chats = try await SurveyChatStore.plan(db, survey: id, destinations: survey.chatDestinations, round: Int(round), now: now)
            try await AuditStore.append(AuditEntry(action: "survey.remind", entityType: "survey", entityID: String(id),
                                                   summary: "\(automatic ? "Automatic reminder" : "Reminder") \(round) of \"\(survey.title)\": \(planned) messages to people who have not answered"
                                                       + (chats == 0 ? "" : ", \(chats) chat posts")),
                                        by: actor, on: db)
            return (Int(round), planned)
        }
    }

    /// Open surveys whose automatic reminder is due now.
    public func dueReminders(now: Date = Date()) async throws -> [Int64] {
        let stamp = Millis.from(now)
        return try await database.reader.raw("""
            SELECT id FROM surveys
            WHERE state = \(bind: SurveyState.open.rawValue) AND remind_after_days IS NOT NULL AND (channels <> '' OR chat_destinations <> '')
              AND reminders < \(bind: Int64(SurveyDraft.maximumAutomaticReminders))
              AND COALESCE(reminded_at, opened_at) + remind_after_days * 86400000 <= \(bind: stamp)
              AND (closes_on IS NULL OR closes_on >= \(bind: EmployeeRules.today(now)))
            ORDER BY id
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
    }

    /// Takes up to `limit` due messages on `channels`, and any whose claim expired.
    func claim(channels: [SurveyChannel], limit: Int, owner: String, now: Date) async throws -> [SurveyMessage] {
        guard !channels.isEmpty else { return [] }
        let stamp = Millis.from(now), until = Millis.from(now.addingTimeInterval(Self.lease))
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let names = channels.map(\.rawValue)
        return try await database.transaction { db in
            let ready = try await db.raw("""
                SELECT id FROM survey_messages WHERE state IN ('pending', 'failed') AND due_at <= \(bind: stamp) AND channel IN (\(binds: names))
                ORDER BY due_at, id LIMIT \(bind: limit)
                """ + lock).all()
            let expired = try await db.raw("""
                SELECT id FROM survey_messages WHERE state = 'sending' AND lease_until < \(bind: stamp) AND channel IN (\(binds: names))
                ORDER BY lease_until LIMIT \(bind: limit)
                """ + lock).all()
            let ids = try (ready + expired).map { try $0.decode(column: "id", as: Int64.self) }
            guard !ids.isEmpty else { return [] }
            return try await db.raw("""
                UPDATE survey_messages SET state = \(bind: SurveyMessageState.sending.rawValue), lease_owner = \(bind: owner), lease_until = \(bind: until),
                    attempts = attempts + 1, updated_at = \(bind: stamp)
                WHERE id IN (\(binds: Array(ids.prefix(limit)))) RETURNING id, survey_id, employee_id, channel, round, attempts
                """).all().compactMap { row -> SurveyMessage? in
                guard let channel = SurveyChannel(rawValue: try row.decode(column: "channel", as: String.self)) else { return nil }
                return SurveyMessage(id: try row.decode(column: "id", as: Int64.self), surveyID: try row.decode(column: "survey_id", as: Int64.self),
                                     employeeID: try row.decode(column: "employee_id", as: Int64.self), channel: channel,
                                     round: Int(try row.decode(column: "round", as: Int64.self)), attempt: Int(try row.decode(column: "attempts", as: Int64.self)))
            }.sorted { $0.id < $1.id }
        }
    }

    /// Writes a claim's outcome; false when the claim had expired and another worker took the row.
    @discardableResult
    func record(_ message: SurveyMessage, state: SurveyMessageState, error: String? = nil, dueAt: Date? = nil, receipt: String? = nil, now: Date = Date()) async throws -> Bool {
        let stamp = Millis.from(now)
        let due: SQLQueryString = dueAt.map { ", due_at = \(bind: Millis.from($0))" } ?? ""
        return try await database.transaction { db in
            try await db.raw("""
                UPDATE survey_messages SET state = \(bind: state.rawValue), lease_until = NULL, last_error = \(bind: error.map { String($0.prefix(500)) }),
                    receipt = \(bind: receipt.map { String($0.prefix(200)) }), sent_at = \(bind: state == .sent ? stamp : nil), updated_at = \(bind: stamp)
                """ + due + """
                 WHERE id = \(bind: message.id) AND state = 'sending' AND attempts = \(bind: Int64(message.attempt)) RETURNING id
                """).first() != nil
        }
    }

    /// Whether the person has answered (a reminder to them is then skipped).
    func hasAnswered(survey: Int64, employee: Int64) async throws -> Bool {
        try await database.reader.raw("""
            SELECT responded FROM survey_invitations WHERE survey_id = \(bind: survey) AND employee_id = \(bind: employee)
            """).first()?.decode(column: "responded", as: Bool.self) ?? true
    }

    public func distribution(_ survey: Survey) async throws -> SurveyDistribution {
        var lines: [String: SurveyDistribution.Line] = [:]
        for row in try await database.reader.raw("""
            SELECT channel, round, state, COUNT(*) AS n FROM survey_messages WHERE survey_id = \(bind: survey.id) GROUP BY channel, round, state
            """).all() {
            guard let channel = SurveyChannel(rawValue: try row.decode(column: "channel", as: String.self)) else { continue }
            let round = Int(try row.decode(column: "round", as: Int64.self))
            let key = "\(round)|\(channel.rawValue)"
            var line = lines[key] ?? SurveyDistribution.Line(channel: channel, round: round, counts: [:])
            line.counts[try row.decode(column: "state", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
            lines[key] = line
        }
        let waiting = try await database.reader.raw("""
            SELECT COUNT(*) AS n FROM survey_invitations WHERE survey_id = \(bind: survey.id) AND responded = \(bind: false)
            """).first()?.decode(column: "n", as: Int64.self) ?? 0
        let last = survey.remindedAt ?? survey.openedAt
        return SurveyDistribution(lines: lines.values.sorted { ($0.round, $0.channel.rawValue) < ($1.round, $1.channel.rawValue) },
                                  chat: try await SurveyChatStore(database: database).lines(survey: survey.id),
                                  waiting: Int(waiting), nextReminderFrom: last.map { $0.addingTimeInterval(Self.reminderPause) })
    }

    static func stamp(_ date: Date) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return format.string(from: date)
    }
}
