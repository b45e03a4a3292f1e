public import Audit
public import Foundation
import People
import SQLKit
public import TandemCore
public import TandemStore

/// Pulse series: their settings, and the tick that opens each wave when its day comes.
public struct PulseStore: Sendable {
    let database: Database
    let surveys: SurveyStore

    public init(database: Database, surveys: SurveyStore) {
        self.database = database
        self.surveys = surveys
    }

    public func series(template id: Int64) async throws -> PulseSeries? {
        try await database.reader.raw("SELECT * FROM survey_series WHERE template_id = \(bind: id)").first().map(Self.series)
    }

    public func series(id: Int64) async throws -> PulseSeries? {
        try await database.reader.raw("SELECT * FROM survey_series WHERE id = \(bind: id)").first().map(Self.series)
    }

    /// Makes a draft the template of a pulse, or changes its pulse (and starts it again).
    public func save(template id: Int64, _ settings: PulseSettings, by actor: AuditActor, today: String = EmployeeRules.today()) async throws -> PulseSeries {
        let settings = try settings.validated(today: today)
        guard let template = try await surveys.find(id: id) else { throw AppError.notFound("Survey") }
        guard template.lifecycle == nil else {
            throw AppError.conflict("A lifecycle survey asks each person when their HR date comes, so it cannot also be a pulse.")
        }
        guard template.state == .draft, template.wave == nil else {
            throw AppError.conflict("A pulse is made from a draft: its questions are copied into each wave. This survey is \(template.wave != nil ? "a pulse's wave" : template.state.rawValue).")
        }
        return try await database.transaction { db in
            let stamp = Millis.from(Date())
            try await db.raw("""
                INSERT INTO survey_series (template_id, every_days, sample_percent, open_days, next_on, active, waves, updated_by, updated_at)
                VALUES (\(bind: id), \(bind: Int64(settings.everyDays)), \(bind: Int64(settings.samplePercent)), \(bind: Int64(settings.openDays)),
                        \(bind: settings.firstOn), \(bind: true), 0, \(bind: actor.label), \(bind: stamp))
                ON CONFLICT (template_id) DO UPDATE SET every_days = EXCLUDED.every_days, sample_percent = EXCLUDED.sample_percent,
                    open_days = EXCLUDED.open_days, next_on = EXCLUDED.next_on, active = EXCLUDED.active, note = NULL,
                    updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
                """).run()
            try await AuditStore.append(AuditEntry(action: "survey.pulse", entityType: "survey", entityID: String(id),
                                                   summary: "Pulse \"\(template.title)\": every \(settings.everyDays) days to \(settings.samplePercent)% from \(settings.firstOn)"),
                                        by: actor, on: db)
            return try Self.series(try await db.raw("SELECT * FROM survey_series WHERE template_id = \(bind: id)").first()!)
        }
    }

    public func stop(template id: Int64, by actor: AuditActor) async throws -> PulseSeries {
        try await database.transaction { db in
            guard try await db.raw("""
                UPDATE survey_series SET active = \(bind: false), updated_by = \(bind: actor.label), updated_at = \(bind: Millis.from(Date()))
                WHERE template_id = \(bind: id) RETURNING id
                """).first() != nil else { throw AppError.notFound("Pulse") }
            try await AuditStore.append(AuditEntry(action: "survey.pulse.stop", entityType: "survey", entityID: String(id), summary: "Stopped the pulse"), by: actor, on: db)
            return try Self.series(try await db.raw("SELECT * FROM survey_series WHERE template_id = \(bind: id)").first()!)
        }
    }

    /// A series' waves, first to last.
    public func waves(_ series: PulseSeries) async throws -> [Survey] {
        try await database.reader.raw("SELECT * FROM surveys WHERE series_id = \(bind: series.id) ORDER BY wave").all().map(SurveyStore.survey)
    }

    /// What one tick did.
    public struct Pass: Sendable, Equatable {
        public var opened: [(survey: Int64, invited: Int)] = []
        public var failed: [(survey: Int64, reason: String)] = []
        public static func == (a: Pass, b: Pass) -> Bool { a.opened.map(\.survey) == b.opened.map(\.survey) && a.failed.map(\.survey) == b.failed.map(\.survey) }
    }

    /// Creates the wave of every series whose day has come and opens it to its sample. A wave
    /// is created as a draft in the transaction that moves the series to its next day, then
    /// opened; a crash between the two leaves a draft wave, which the next tick opens. A server
    /// that was off for several periods opens one wave and moves on to the next future day.
    public func tick(now: Date = Date()) async throws -> Pass {
        let today = EmployeeRules.today(now)
        for series in try await database.reader.raw("""
            SELECT * FROM survey_series WHERE active = \(bind: true) AND next_on <= \(bind: today) ORDER BY id
            """).all().map(Self.series) {
            var next = series.nextOn
            while next <= today { next = Self.day(next, plus: series.everyDays) }
            let (upcoming, closes) = (next, Self.day(today, plus: series.openDays - 1))
            try await database.transaction { db in
                guard let row = try await db.raw("""
                    UPDATE survey_series SET next_on = \(bind: upcoming), waves = waves + 1
                    WHERE id = \(bind: series.id) AND next_on = \(bind: series.nextOn) AND active = \(bind: true) RETURNING waves
                    """).first() else { return }
                let wave = try row.decode(column: "waves", as: Int64.self)
                let stamp = Millis.from(now)
                let inserted = try await db.raw("""
                    INSERT INTO surveys (title, intro, mode, state, audience_id, closes_on, questions, version, created_by, created_at, updated_at,
                                         channels, remind_after_days, series_id, wave)
                    SELECT title, intro, mode, \(bind: SurveyState.draft.rawValue), audience_id, \(bind: closes), questions, 1, \(bind: "pulse"), \(bind: stamp), \(bind: stamp),
                           channels, remind_after_days, \(bind: series.id), \(bind: wave)
                    FROM surveys WHERE id = \(bind: series.templateID) RETURNING id
                    """).first()
                if let created = try inserted?.decode(column: "id", as: Int64.self) {
                    try await SurveyTranslationStore.copy(db, from: series.templateID, to: created)
                }
            }
        }
        var pass = Pass()
        for row in try await database.reader.raw("""
            SELECT s.id, s.version, s.wave, s.series_id, ss.sample_percent FROM surveys s JOIN survey_series ss ON ss.id = s.series_id
            WHERE s.state = \(bind: SurveyState.draft.rawValue) AND s.wave IS NOT NULL ORDER BY s.id
            """).all() {
            let id = try row.decode(column: "id", as: Int64.self)
            let sample = PulseSample(seriesID: try row.decode(column: "series_id", as: Int64.self), wave: Int(try row.decode(column: "wave", as: Int64.self)),
                                     percent: Int(try row.decode(column: "sample_percent", as: Int64.self)))
            do {
                let opened = try await surveys.open(id, version: Int(try row.decode(column: "version", as: Int64.self)), by: .system, today: today, sample: sample, now: now)
                pass.opened.append((id, opened.invited))
            } catch let error as AppError {
                // Nobody to ask, or the closing day passed while the server was off: the wave is
                // closed unopened, and the series says why, rather than trying every few seconds.
                try await database.transaction { db in
                    try await db.raw("""
                        UPDATE surveys SET state = \(bind: SurveyState.closed.rawValue), closed_at = \(bind: Millis.from(now)), version = version + 1
                        WHERE id = \(bind: id) AND state = \(bind: SurveyState.draft.rawValue)
                        """).run()
                    try await db.raw("UPDATE survey_series SET note = \(bind: "Wave \(sample.wave) did not open: \(error.message)") WHERE id = \(bind: sample.seriesID)").run()
                }
                pass.failed.append((id, error.message))
            }
        }
        return pass
    }

    static func day(_ date: String, plus days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = calendar.timeZone
        format.dateFormat = "yyyy-MM-dd"
        guard let start = format.date(from: date), let end = calendar.date(byAdding: .day, value: days, to: start) else { return date }
        return format.string(from: end)
    }

    static func series(_ row: any SQLRow) throws -> PulseSeries {
        PulseSeries(id: try row.decode(column: "id", as: Int64.self), templateID: try row.decode(column: "template_id", as: Int64.self),
                    everyDays: Int(try row.decode(column: "every_days", as: Int64.self)), samplePercent: Int(try row.decode(column: "sample_percent", as: Int64.self)),
                    openDays: Int(try row.decode(column: "open_days", as: Int64.self)), nextOn: try row.decode(column: "next_on", as: String.self),
                    active: try row.decode(column: "active", as: Bool.self), waves: Int(try row.decode(column: "waves", as: Int64.self)),
                    note: try row.decode(column: "note", as: String?.self), updatedBy: try row.decode(column: "updated_by", as: String.self),
                    updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
    }
}
