public import Audit
import Audiences
public import Foundation
import People
import SQLKit
public import TandemCore
public import TandemStore

/// Surveys: drafts, opening (which invites the audience) and closing.
public struct SurveyStore: Sendable {
    let database: Database
    let counter: AudienceCounter
    let audiences: AudienceStore
    let coarsening: SegmentCoarsening
    /// Anonymous answers still waiting are counted when the survey closes.
    let ballots: BallotBox

    public init(database: Database, threshold: Int, box: SecretBox? = nil) {
        self.database = database
        counter = AudienceCounter(database: database)
        audiences = AudienceStore(database: database)
        coarsening = SegmentCoarsening(threshold: threshold)
        ballots = BallotBox(box: box, threshold: threshold)
    }

    public func all() async throws -> [Survey] {
        try await database.reader.raw("SELECT * FROM surveys ORDER BY id DESC").all().map(Self.survey)
    }

    public func find(id: Survey.ID) async throws -> Survey? {
        try await database.reader.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first().map(Self.survey)
    }

    public func create(_ draft: SurveyDraft, by actor: AuditActor) async throws -> Survey {
        let draft = try draft.validated()
        try await checkAudience(draft.audienceID)
        try await checkDestinations(draft.chatDestinations)
        return try await database.transaction { db in
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO surveys (title, intro, mode, state, audience_id, closes_on, questions, version, created_by, created_at, updated_at, channels, remind_after_days, lifecycle,
                                     chat_destinations)
                VALUES (\(bind: draft.title), \(bind: draft.intro), \(bind: draft.mode.rawValue), \(bind: SurveyState.draft.rawValue), \(bind: draft.audienceID),
                        \(bind: draft.closesOn), \(bind: try Self.encode(draft.questions)), 1, \(bind: actor.label), \(bind: now), \(bind: now),
                        \(bind: Self.encode(draft.channels)), \(bind: draft.remindAfterDays.map(Int64.init)), \(bind: draft.lifecycle?.rawValue),
                        \(bind: Self.encode(draft.chatDestinations)))
                RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The survey could not be saved.") }
            try await AuditStore.append(AuditEntry(action: "survey.create", entityType: "survey", entityID: String(id), summary: "Created survey \"\(draft.title)\"",
                                                   after: ["mode": draft.mode.rawValue, "questions": String(draft.questions.count)]), by: actor, on: db)
            return try Self.survey(try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first()!)
        }
    }

    /// Changes a draft. `version` must be the one the editor started from. A scheduled opening
    /// is HR's approval of what it saw, so a change by someone else (`keepSchedule` false)
    /// cancels it, and HR schedules it again.
    public func update(_ id: Survey.ID, _ draft: SurveyDraft, version: Int, by actor: AuditActor, keepSchedule: Bool = true) async throws -> Survey {
        let draft = try draft.validated()
        try await checkAudience(draft.audienceID)
        try await checkDestinations(draft.chatDestinations)
        return try await database.transaction { db in
            guard let before = try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first().map(Self.survey) else { throw AppError.notFound("Survey") }
            guard before.state == .draft else {
                throw AppError.conflict("This survey is \(before.state.rawValue); its questions can no longer change. Copy it into a new survey instead.")
            }
            guard before.version == version else {
                throw AppError.conflict("Someone else changed this survey (version \(before.version), you had \(version)). Reload it and make your change again.", field: "version")
            }
            try await db.raw("""
                UPDATE surveys SET title = \(bind: draft.title), intro = \(bind: draft.intro), mode = \(bind: draft.mode.rawValue), audience_id = \(bind: draft.audienceID),
                    closes_on = \(bind: draft.closesOn), questions = \(bind: try Self.encode(draft.questions)), version = version + 1, updated_at = \(bind: Millis.from(Date())),
                    channels = \(bind: Self.encode(draft.channels)), remind_after_days = \(bind: draft.remindAfterDays.map(Int64.init)),
                    lifecycle = \(bind: draft.lifecycle?.rawValue), chat_destinations = \(bind: Self.encode(draft.chatDestinations))
                WHERE id = \(bind: id)
                """).run()
            let unscheduled = !keepSchedule && before.opensOn != nil
            if unscheduled {
                try await db.raw("UPDATE surveys SET opens_on = NULL, scheduled_by = NULL, open_error = NULL WHERE id = \(bind: id)").run()
            }
            try await AuditStore.append(AuditEntry(action: "survey.update", entityType: "survey", entityID: String(id),
                                                   summary: "Updated survey \"\(draft.title)\"" + (unscheduled ? "; its scheduled opening is cancelled until HR schedules it again" : "")),
                                        by: actor, on: db)
            return try Self.survey(try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first()!)
        }
    }

    /// Saved audiences to pick from in the survey form.
    public func audienceChoices() async throws -> [(id: Int64, name: String)] {
        try await audiences.all().map { ($0.id, $0.name) }
    }

    /// Chat posts go to Slack and Teams destinations (generic webhooks take posts, not surveys).
    func checkDestinations(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        let chats = try await chatDestinationChoices()
        for id in ids where !chats.contains(where: { $0.id == id }) {
            throw AppError.invalid("chat_destinations", "There is no Slack or Teams destination \(id). An admin adds them at /deliveries/destinations; or leave chat out.")
        }
    }

    /// Slack and Teams destinations to pick from in the survey form.
    public func chatDestinationChoices() async throws -> [(id: Int64, name: String)] {
        try await database.reader.raw("SELECT id, name FROM destinations WHERE kind IN ('slack', 'teams') ORDER BY name, id").all().map {
            (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self))
        }
    }

    func checkAudience(_ id: Int64?) async throws {
        guard let id else { return }
        guard try await audiences.find(id: id) != nil else { throw AppError.invalid("audience_id", "There is no audience \(id). Pick one from /audiences, or leave it out to ask everyone.") }
    }

    /// Opens a draft: invites everyone in its audience who is active today, with breakdown
    /// values coarsened for the survey's privacy threshold, all in one transaction.
    public func open(_ id: Survey.ID, version: Int, by actor: AuditActor, today: String = EmployeeRules.today(), sample: PulseSample? = nil,
                     now: Date = Date()) async throws -> Survey {
        guard let survey = try await find(id: id) else { throw AppError.notFound("Survey") }
        guard survey.state == .draft else { throw AppError.conflict("This survey is already \(survey.state.rawValue).") }
        if try await database.reader.raw("SELECT id FROM survey_series WHERE template_id = \(bind: id) AND active = \(bind: true)").first() != nil {
            throw AppError.conflict("This draft is the template of a pulse: its waves open on schedule. Stop the pulse to open the draft itself.")
        }
        guard survey.version == version else {
            throw AppError.conflict("Someone else changed this survey (version \(survey.version), you had \(version)). Reload it first.", field: "version")
        }
        if let closesOn = survey.closesOn, closesOn < today {
            throw AppError.invalid("closes_on", "The closing date \(closesOn) has passed. Set a later one before opening the survey.")
        }
        if survey.lifecycle != nil { return try await openLifecycle(survey, version: version, by: actor, today: today, now: now) }
        var include: [String] = []
        if let audienceID = survey.audienceID {
            guard let audience = try await audiences.find(id: audienceID) else { throw AppError.invalid("audience_id", "The survey's audience was deleted. Pick another one.") }
            include = [audience.name]
        }
        var people: [Int64] = []
        var after: Int64 = 0
        while true {
            let page = try await counter.recipients(include: include, exclude: [], after: after, limit: 5_000, today: today)
            guard let last = page.last else { break }
            people += page.map(\.id)
            after = last.id
        }
        guard !people.isEmpty else { throw AppError.conflict("Nobody active is in the survey's audience today, so there is nobody to ask.") }
        if let sample { people = try await sample.choose(from: people, database: database, minimum: coarsening.suppression.threshold * 2) }
        var values: [SegmentCoarsening.Values] = []
        values.reserveCapacity(people.count)
        for start in stride(from: 0, to: people.count, by: 500) {
            let chunk = Array(people[start..<min(people.count, start + 500)])
            var byID: [Int64: SegmentCoarsening.Values] = [:]
            for row in try await database.reader.raw("""
                SELECT id, country, COALESCE(department, '') AS department, COALESCE(site, '') AS site, worker_type FROM employees WHERE id IN (\(binds: chunk))
                """).all() {
                byID[try row.decode(column: "id", as: Int64.self)] = SegmentCoarsening.Values(
                    country: try row.decode(column: "country", as: String.self), department: try row.decode(column: "department", as: String.self),
                    site: try row.decode(column: "site", as: String.self), workerType: try row.decode(column: "worker_type", as: String.self))
            }
            values += chunk.map { byID[$0] ?? SegmentCoarsening.Values(country: "", department: "", site: "", workerType: "") }
        }
        let coarse = coarsening.coarsen(values), invitees = people
        let opened = try await database.transaction { db in
            let changed = try await db.raw("""
                UPDATE surveys SET state = \(bind: SurveyState.open.rawValue), opened_at = \(bind: Millis.from(now)), invited = \(bind: Int64(invitees.count)),
                    version = version + 1, updated_at = \(bind: Millis.from(now))
                WHERE id = \(bind: id) AND state = \(bind: SurveyState.draft.rawValue) AND version = \(bind: version) RETURNING id
                """).first()
            guard changed != nil else { throw AppError.conflict("Someone else changed this survey meanwhile. Reload it and open it again.") }
            for start in stride(from: 0, to: invitees.count, by: 400) {
                let rows = (start..<min(invitees.count, start + 400)).map { index -> SQLQueryString in
                    let v = coarse[index]
                    return "(\(bind: id), \(bind: invitees[index]), \(bind: v.country), \(bind: v.department), \(bind: v.site), \(bind: v.workerType), \(bind: false))"
                }
                try await db.raw("""
                    INSERT INTO survey_invitations (survey_id, employee_id, country, department, site, worker_type, responded) VALUES \(rows.joined(separator: ", "))
                    """).run()
            }
            var groups: [SegmentCoarsening.Values: Int64] = [:]
            for value in coarse { groups[value, default: 0] += 1 }
            let rows = groups.sorted { ($0.key.country, $0.key.department, $0.key.site, $0.key.workerType) < ($1.key.country, $1.key.department, $1.key.site, $1.key.workerType) }
            for start in stride(from: 0, to: rows.count, by: 400) {
                let values = rows[start..<min(rows.count, start + 400)].map { v, n -> SQLQueryString in
                    "(\(bind: id), \(bind: v.country), \(bind: v.department), \(bind: v.site), \(bind: v.workerType), \(bind: n), 0)"
                }
                try await db.raw("INSERT INTO survey_groups (survey_id, country, department, site, worker_type, invited, responded) VALUES \(values.joined(separator: ", "))").run()
            }
            // The invitations by email and SMS commit with the invitees: a crash sends all or none.
            let messages = try await SurveyMessageStore.plan(db, survey: id, channels: survey.channels, round: 0, now: now)
            let chats = try await SurveyChatStore.plan(db, survey: id, destinations: sample == nil ? survey.chatDestinations : [], round: 0, now: now)
            try await db.raw("UPDATE surveys SET opens_on = NULL, open_error = NULL WHERE id = \(bind: id)").run()
            try await AuditStore.append(AuditEntry(action: "survey.open", entityType: "survey", entityID: String(id),
                                                   summary: "Opened survey \"\(survey.title)\" to \(invitees.count) people"
                                                       + (survey.channels.isEmpty ? "" : ", \(messages) invitations by \(survey.channels.map(\.title).joined(separator: " and "))")
                                                       + (chats == 0 ? "" : ", \(chats) chat posts")),
                                        by: actor, on: db)
            // Everyone asked gets a card on their feed: cached feed pages go.
            try await database.feedSignal.record(.everyone, on: db)
            return try Self.survey(try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first()!)
        }
        database.feedSignal.notify(.everyone)
        return opened
    }

    /// A lifecycle survey opens with nobody asked yet: each day, `LifecycleStore` asks the people
    /// whose HR date has come. They gather over months, so their groups cannot be checked when
    /// each is asked: their answers carry no breakdown values, and results show the whole.
    func openLifecycle(_ survey: Survey, version: Int, by actor: AuditActor, today: String, now: Date) async throws -> Survey {
        let opened = try await database.transaction { db in
            let changed = try await db.raw("""
                UPDATE surveys SET state = \(bind: SurveyState.open.rawValue), opened_at = \(bind: Millis.from(now)), invited = 0, version = version + 1,
                    updated_at = \(bind: Millis.from(now))
                WHERE id = \(bind: survey.id) AND state = \(bind: SurveyState.draft.rawValue) AND version = \(bind: version) RETURNING id
                """).first()
            guard changed != nil else { throw AppError.conflict("Someone else changed this survey meanwhile. Reload it and open it again.") }
            try await db.raw("""
                INSERT INTO survey_groups (survey_id, country, department, site, worker_type, invited, responded) VALUES (\(bind: survey.id), '', '', '', '', 0, 0)
                """).run()
            try await AuditStore.append(AuditEntry(action: "survey.open", entityType: "survey", entityID: String(survey.id),
                                                   summary: "Opened lifecycle survey \"\(survey.title)\": asks each person \(survey.lifecycle?.title.lowercased() ?? "")"),
                                        by: actor, on: db)
            return try Self.survey(try await db.raw("SELECT * FROM surveys WHERE id = \(bind: survey.id)").first()!)
        }
        _ = try await LifecycleStore(database: database).invite(opened, now: now)
        return try await find(id: survey.id) ?? opened
    }

    public func close(_ id: Survey.ID, by actor: AuditActor) async throws -> Survey {
        let closed = try await database.transaction { db in
            guard let survey = try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first().map(Self.survey) else { throw AppError.notFound("Survey") }
            guard survey.state == .open else { throw AppError.conflict("Only an open survey can be closed; this one is \(survey.state.rawValue).") }
            try await db.raw("""
                UPDATE surveys SET state = \(bind: SurveyState.closed.rawValue), closed_at = \(bind: Millis.from(Date())), version = version + 1,
                    updated_at = \(bind: Millis.from(Date())) WHERE id = \(bind: id)
                """).run()
            try await SurveyMessageStore.cancel(db, survey: id, now: Date())
            try await SurveyChatStore.cancel(db, survey: id, now: Date())
            let counted: String
            switch try await ballots.settle(survey: id, on: db) {
            case .nothingWaiting: counted = ""
            case .counted(let answers, let regrouped):
                counted = "; \(answers) waiting anonymous answers counted together" + (regrouped > 0 ? ", with \(regrouped) counted earlier, in no group" : "")
            case .tooFew(let answers): counted = "; \(answers) anonymous answers stay uncounted, too few to count without pointing at anyone"
            }
            try await AuditStore.append(AuditEntry(action: "survey.close", entityType: "survey", entityID: String(id), summary: "Closed survey \"\(survey.title)\"" + counted),
                                        by: actor, on: db)
            try await database.feedSignal.record(.everyone, on: db)
            return try Self.survey(try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first()!)
        }
        database.feedSignal.notify(.everyone)
        return closed
    }

    /// Schedules a draft to open by itself on `opensOn` (HR's approval, like opening now).
    public func schedule(_ id: Survey.ID, version: Int, opensOn raw: String?, by actor: AuditActor, today: String = EmployeeRules.today()) async throws -> Survey {
        guard let opensOn = try EmployeeRules.date(raw, field: "opens_on") else {
            throw AppError.invalid("opens_on", "Give the day the survey opens, as YYYY-MM-DD.")
        }
        return try await database.transaction { db in
            guard let survey = try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first().map(Self.survey) else { throw AppError.notFound("Survey") }
            guard survey.state == .draft else { throw AppError.conflict("This survey is already \(survey.state.rawValue).") }
            guard survey.version == version else {
                throw AppError.conflict("Someone else changed this survey (version \(survey.version), you had \(version)). Reload it first.", field: "version")
            }
            if try await db.raw("SELECT id FROM survey_series WHERE template_id = \(bind: id) AND active = \(bind: true)").first() != nil {
                throw AppError.conflict("This draft is the template of a pulse: its waves open on the pulse's schedule.")
            }
            guard opensOn >= today else { throw AppError.invalid("opens_on", "\(opensOn) has passed. Pick today or a later day, or open the survey now.") }
            if let closesOn = survey.closesOn, opensOn > closesOn {
                throw AppError.invalid("opens_on", "The survey closes on \(closesOn), before \(opensOn). Pick an earlier day or change the closing date.")
            }
            try await db.raw("""
                UPDATE surveys SET opens_on = \(bind: opensOn), scheduled_by = \(bind: actor.label), open_error = NULL, version = version + 1,
                    updated_at = \(bind: Millis.from(Date())) WHERE id = \(bind: id)
                """).run()
            try await AuditStore.append(AuditEntry(action: "survey.schedule", entityType: "survey", entityID: String(id),
                                                   summary: "Scheduled survey \"\(survey.title)\" to open on \(opensOn)"), by: actor, on: db)
            return try Self.survey(try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first()!)
        }
    }

    public func unschedule(_ id: Survey.ID, by actor: AuditActor) async throws -> Survey {
        try await database.transaction { db in
            guard let survey = try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first().map(Self.survey) else { throw AppError.notFound("Survey") }
            guard survey.state == .draft, survey.opensOn != nil else { throw AppError.conflict("This survey has no scheduled opening.") }
            try await db.raw("""
                UPDATE surveys SET opens_on = NULL, scheduled_by = NULL, open_error = NULL, version = version + 1, updated_at = \(bind: Millis.from(Date()))
                WHERE id = \(bind: id)
                """).run()
            try await AuditStore.append(AuditEntry(action: "survey.unschedule", entityType: "survey", entityID: String(id),
                                                   summary: "Cancelled the scheduled opening of \"\(survey.title)\""), by: actor, on: db)
            return try Self.survey(try await db.raw("SELECT * FROM surveys WHERE id = \(bind: id)").first()!)
        }
    }

    /// Opens the scheduled drafts whose day has come. One that cannot open (its audience is
    /// empty, its closing day passed) keeps its day and shows HR why; it is not tried again
    /// until HR schedules it again. A second server finds the version changed and skips it.
    public func openScheduled(today: String = EmployeeRules.today(), now: Date = Date()) async throws -> (opened: [Survey], failed: [(survey: Int64, reason: String)]) {
        var opened: [Survey] = [], failed: [(Int64, String)] = []
        for survey in try await database.reader.raw("""
            SELECT * FROM surveys WHERE state = \(bind: SurveyState.draft.rawValue) AND opens_on IS NOT NULL AND opens_on <= \(bind: today)
              AND scheduled_by IS NOT NULL AND open_error IS NULL ORDER BY id
            """).all().map(Self.survey) {
            let actor = AuditActor(userID: nil, label: "scheduled by \(survey.scheduledBy ?? "HR")", channel: .system)
            do {
                opened.append(try await open(survey.id, version: survey.version, by: actor, today: today, now: now))
            } catch let error as AppError {
                // Another server opened it, or HR changed it meanwhile: not a failure of the schedule.
                guard let now = try await find(id: survey.id), now.state == .draft, now.version == survey.version else { continue }
                let reason = String(error.message.prefix(500)), version = Int64(survey.version)
                try await database.transaction { db in
                    try await db.raw("UPDATE surveys SET open_error = \(bind: reason) WHERE id = \(bind: survey.id) AND version = \(bind: version)").run()
                }
                failed.append((survey.id, error.message))
            }
        }
        return (opened, failed)
    }

    /// Counts the waiting anonymous answers of surveys that no longer take answers: closed, or
    /// past their closing day. Returns how many answers were counted.
    public func settleEnded(today: String = EmployeeRules.today()) async throws -> Int {
        guard ballots.box != nil else { return 0 }
        var counted = 0
        for row in try await database.reader.raw("""
            SELECT DISTINCT b.survey_id FROM survey_ballots b JOIN surveys s ON s.id = b.survey_id
            WHERE s.state = \(bind: SurveyState.closed.rawValue) OR (s.closes_on IS NOT NULL AND s.closes_on < \(bind: today))
            ORDER BY b.survey_id
            """).all() {
            let id = try row.decode(column: "survey_id", as: Int64.self)
            let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE" : ""
            let settlement = try await database.transaction { db in
                _ = try await db.raw("SELECT id FROM surveys WHERE id = \(bind: id)" + lock).first()
                return try await ballots.settle(survey: id, on: db)
            }
            if case .counted(let answers, _) = settlement { counted += answers }
        }
        return counted
    }

    /// Open surveys this person was asked and has not answered: their feed's survey cards.
    public func waiting(for employee: Int64, today: String = EmployeeRules.today()) async throws -> [Survey] {
        try await database.reader.raw("""
            SELECT s.* FROM surveys s JOIN survey_invitations i ON i.survey_id = s.id
            WHERE i.employee_id = \(bind: employee) AND i.responded = \(bind: false) AND s.state = \(bind: SurveyState.open.rawValue)
              AND (s.closes_on IS NULL OR s.closes_on >= \(bind: today))
            ORDER BY s.id DESC
            """).all().map(Self.survey).filter { $0.acceptsAnswers(today: today) }
    }

    static func encode(_ questions: [Question]) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(questions), as: UTF8.self)
    }

    static func encode(_ channels: [SurveyChannel]) -> String { channels.map(\.rawValue).joined(separator: ",") }

    static func encode(_ destinations: [Int64]) -> String { destinations.map(String.init).joined(separator: ",") }

    static func survey(_ row: any SQLRow) throws -> Survey {
        let questions = try JSONCoding.decoder.decode([Question].self, from: Data(try row.decode(column: "questions", as: String.self).utf8))
        var survey = Survey(
            id: try row.decode(column: "id", as: Int64.self), title: try row.decode(column: "title", as: String.self),
            intro: try row.decode(column: "intro", as: String.self),
            mode: Confidentiality(rawValue: try row.decode(column: "mode", as: String.self)) ?? .confidential,
            state: SurveyState(rawValue: try row.decode(column: "state", as: String.self)) ?? .draft,
            audienceID: try row.decode(column: "audience_id", as: Int64?.self), closesOn: try row.decode(column: "closes_on", as: String?.self),
            questions: questions, version: Int(try row.decode(column: "version", as: Int64.self)),
            openedAt: try row.decode(column: "opened_at", as: Int64?.self).map(Millis.date), closedAt: try row.decode(column: "closed_at", as: Int64?.self).map(Millis.date),
            invited: Int(try row.decode(column: "invited", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: String.self), updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
        survey.channels = try row.decode(column: "channels", as: String.self).split(separator: ",").compactMap { SurveyChannel(rawValue: String($0)) }
        survey.remindAfterDays = try row.decode(column: "remind_after_days", as: Int64?.self).map { Int($0) }
        survey.reminders = Int(try row.decode(column: "reminders", as: Int64.self))
        survey.remindedAt = try row.decode(column: "reminded_at", as: Int64?.self).map(Millis.date)
        survey.seriesID = try row.decode(column: "series_id", as: Int64?.self)
        survey.wave = try row.decode(column: "wave", as: Int64?.self).map { Int($0) }
        survey.lifecycle = try row.decode(column: "lifecycle", as: String?.self).flatMap(LifecycleTrigger.init(rawValue:))
        survey.chatDestinations = try row.decode(column: "chat_destinations", as: String.self).split(separator: ",").compactMap { Int64($0) }
        survey.opensOn = try row.decode(column: "opens_on", as: String?.self)
        survey.scheduledBy = try row.decode(column: "scheduled_by", as: String?.self)
        survey.openError = try row.decode(column: "open_error", as: String?.self)
        return survey
    }
}
