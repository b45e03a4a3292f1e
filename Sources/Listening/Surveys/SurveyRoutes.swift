import Audit
import Foundation
import Hummingbird
import TandemCore

/// Surveys over the API: HR and IC write them, HR opens and closes them, employees answer.
struct SurveyRoutes {
    let feature: ListeningFeature

    static let question = Schema.object([
        Schema.Property("key", .string(maxLength: 8), required: false, description: "Set by the server: q1, q2, … in order."),
        Schema.Property("kind", .enumeration(QuestionKind.allCases.map(\.rawValue))),
        Schema.Property("prompt", .line(1...500)),
        Schema.Property("section", .nullable(.string(maxLength: 120)), required: false),
        Schema.Property("required", .boolean, required: false),
        Schema.Property("choices", .nullable(.array(.string(maxLength: 200), maxItems: 20)), required: false),
        Schema.Property("rows", .nullable(.array(.string(maxLength: 200), maxItems: 20)), required: false, description: "A matrix's statements, each rated 1–5."),
        Schema.Property("scale_min", .nullable(.integer(minimum: 0, maximum: 1)), required: false),
        Schema.Property("scale_max", .nullable(.integer(minimum: 5, maximum: 10)), required: false, description: "Ratings are on 1–5 or 0–10."),
        Schema.Property("show_if", .nullable(.object([Schema.Property("question", .string(maxLength: 8)), Schema.Property("any_of", .array(.string(maxLength: 200), maxItems: 20))])),
                        required: false, description: "Skip logic: shown only when an earlier answer is one of these."),
    ])
    static let schema = Schema.object([
        Schema.Property("id", .id), Schema.Property("title", .text), Schema.Property("intro", .text),
        Schema.Property("mode", .enumeration(Confidentiality.allCases.map(\.rawValue))), Schema.Property("state", .enumeration(SurveyState.allCases.map(\.rawValue))),
        Schema.Property("audience_id", .nullable(.id), required: false), Schema.Property("closes_on", .nullable(.string(format: "date")), required: false),
        Schema.Property("questions", .array(.ref("SurveyQuestion"))), Schema.Property("version", .integer(minimum: 1)),
        Schema.Property("opened_at", .nullable(.dateTime), required: false), Schema.Property("closed_at", .nullable(.dateTime), required: false),
        Schema.Property("invited", .integer(minimum: 0)), Schema.Property("created_by", .text), Schema.Property("updated_at", .dateTime),
        Schema.Property("channels", .array(.enumeration(SurveyChannel.allCases.map(\.rawValue)))),
        Schema.Property("remind_after_days", .nullable(.integer(minimum: 1, maximum: 30)), required: false),
        Schema.Property("reminders", .integer(minimum: 0), description: "Reminder rounds sent so far."),
        Schema.Property("reminded_at", .nullable(.dateTime), required: false),
        Schema.Property("lifecycle", .nullable(.enumeration(LifecycleTrigger.allCases.map(\.rawValue))), required: false,
                        description: "A lifecycle survey asks each person when this HR date comes."),
        Schema.Property("series_id", .nullable(.id), required: false), Schema.Property("wave", .nullable(.integer(minimum: 1)), required: false),
        Schema.Property("chat_destinations", .array(.id), description: "Slack and Teams destinations posted to when it opens and at each reminder."),
        Schema.Property("opens_on", .nullable(.string(format: "date")), required: false, description: "A draft HR scheduled opens by itself on this day."),
        Schema.Property("scheduled_by", .nullable(.text), required: false),
        Schema.Property("open_error", .nullable(.text), required: false, description: "Why the scheduled opening failed; HR schedules it again after fixing it."),
    ])
    static let input = Schema.object([
        Schema.Property("title", .line(1...120)), Schema.Property("intro", .string(maxLength: 2_000), required: false),
        Schema.Property("mode", .enumeration(Confidentiality.allCases.map(\.rawValue))),
        Schema.Property("audience_id", .nullable(.id), required: false, description: "Leave out to ask everyone active."),
        Schema.Property("closes_on", .nullable(.string(format: "date")), required: false),
        Schema.Property("questions", .array(.ref("SurveyQuestion"), maxItems: SurveyDraft.maximumQuestions, minItems: 1)),
        Schema.Property("version", .integer(minimum: 1), required: false, description: "For a change: the version it was made from."),
        Schema.Property("channels", .array(.enumeration(SurveyChannel.allCases.map(\.rawValue)), maxItems: 2), required: false,
                        description: "Invitations and reminders by email and SMS, besides the feed card everyone asked gets."),
        Schema.Property("remind_after_days", .nullable(.integer(minimum: 1, maximum: 30)), required: false,
                        description: "Remind those who have not answered this many days after opening, and again as long after (twice at most)."),
        Schema.Property("lifecycle", .nullable(.enumeration(LifecycleTrigger.allCases.map(\.rawValue))), required: false,
                        description: "Ask each person in the audience when this HR date comes (30 or 90 days after joining, the week before leaving) instead of all at once."),
        Schema.Property("chat_destinations", .array(.id, maxItems: SurveyDraft.maximumChatDestinations), required: false,
                        description: "Slack and Teams destination ids (admins list them at GET /api/v1/destinations; the survey form lists them by name) that get a post with the link to answer when the survey opens and at each reminder."),
    ])
    static let answer = Schema.object([
        Schema.Property("question", .string(maxLength: 8)),
        Schema.Property("number", .integer(minimum: 0, maximum: 10), required: false, description: "Ratings and eNPS."),
        Schema.Property("choice", .string(maxLength: 200), required: false, description: "Single choice."),
        Schema.Property("choices", .array(.string(maxLength: 200), maxItems: 20), required: false, description: "Multiple choice."),
        Schema.Property("text", .string(maxLength: AnswerCheck.maximumText), required: false),
        Schema.Property("ratings", .map(.integer(minimum: 1, maximum: 5)), required: false, description: "A matrix: statement → 1–5."),
    ])

    struct Input: Decodable {
        let title: String
        let intro: String?
        let mode: String
        let audienceId: Int64?
        let closesOn: String?
        let questions: [Question]
        let version: Int?
        let channels: [String]?
        let remindAfterDays: Int?
        let lifecycle: String?
        let chatDestinations: [Int64]?
    }

    struct AnswerInput: Decodable {
        let question: String
        let number: Int?
        let choice: String?
        let choices: [String]?
        let text: String?
        let ratings: [String: Int]?
    }

    func register(in table: RouteTable) {
        let authors = ListeningFeature.authors, readers = ListeningFeature.readers
        let staff: Access = .roles([.hr, .comms, .analyst])
        table.component("SurveyQuestion", Self.question)
        table.component("Survey", Self.schema)

        table.api(.get, "/api/v1/surveys", staff,
                  APIOperation(id: "listSurveys", summary: "Surveys, latest first", tag: "Listening",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Survey")))])))) { _, _ in
            struct Surveys: Encodable { let data: [Survey] }
            return try Reply.json(Surveys(data: try await feature.surveys.all()))
        }

        table.api(.post, "/api/v1/surveys", authors,
                  APIOperation(id: "createSurvey", summary: "Create a survey as a draft", tag: "Listening", requestBody: Self.input,
                               success: APIOperation.created(.ref("Survey")), errors: [400, 409, 415, 422])) { request, context in
            let input = try await request.json(Input.self, context: context)
            return try Reply.json(try await feature.surveys.create(try draft(input), by: try actor(context)), status: .created)
        }

        table.api(.get, "/api/v1/surveys/{id}", staff,
                  APIOperation(id: "getSurvey", summary: "One survey with its questions", tag: "Listening", parameters: [.pathID()],
                               success: APIOperation.ok(.ref("Survey")), errors: [404])) { _, context in
            try Reply.json(try await find(context))
        }

        table.api(.put, "/api/v1/surveys/{id}", authors,
                  APIOperation(id: "updateSurvey", summary: "Change a draft survey (give the version it was read at)", tag: "Listening", parameters: [.pathID()],
                               requestBody: Self.input, success: APIOperation.ok(.ref("Survey")), errors: [400, 404, 409, 415, 422])) { request, context in
            let survey = try await find(context)
            let input = try await request.json(Input.self, context: context)
            guard let version = input.version else { throw AppError.invalid("version", "Give the version you read, so a change made meanwhile is not overwritten.") }
            return try Reply.json(try await feature.surveys.update(survey.id, try draft(input), version: version, by: try actor(context),
                                                                   keepSchedule: ListeningFeature.openers.allows(context.identity)))
        }

        table.api(.post, "/api/v1/surveys/{id}/transitions", ListeningFeature.openers,
                  APIOperation(id: "transitionSurvey",
                               summary: "Open a draft now or on a day (inviting its audience; HR's approval), cancel that schedule, or close an open survey", tag: "Listening",
                               parameters: [.pathID()],
                               requestBody: .object([Schema.Property("action", .enumeration(["open", "schedule", "unschedule", "close"])),
                                                     Schema.Property("version", .integer(minimum: 1)),
                                                     Schema.Property("opens_on", .string(format: "date"), required: false, description: "For schedule: the day it opens, today or later.")]),
                               success: APIOperation.ok(.ref("Survey")), errors: [400, 404, 409, 415, 422])) { request, context in
            struct Transition: Decodable { let action: String; let version: Int; let opensOn: String? }
            let survey = try await find(context)
            let input = try await request.json(Transition.self, context: context)
            switch input.action {
            case "open": return try Reply.json(try await feature.surveys.open(survey.id, version: input.version, by: try actor(context)))
            case "schedule":
                return try Reply.json(try await feature.surveys.schedule(survey.id, version: input.version, opensOn: input.opensOn, by: try actor(context)))
            case "unschedule": return try Reply.json(try await feature.surveys.unschedule(survey.id, by: try actor(context)))
            case "close": return try Reply.json(try await feature.surveys.close(survey.id, by: try actor(context)))
            default: throw AppError.invalid("action", "The action is open, schedule, unschedule or close.")
            }
        }

        table.api(.get, "/api/v1/surveys/{id}/results", readers,
                  APIOperation(id: "getSurveyResults", summary: "Results with the privacy thresholds applied; filter by up to two attributes", tag: "Listening",
                               parameters: [.pathID()] + SurveyDimension.allCases.map {
                                   APIParameter($0.rawValue, in: .query, .string(minLength: 1, maxLength: 200), description: "Only responses with this \($0.rawValue).")
                               },
                               success: APIOperation.ok(.object([], additionalProperties: true)), errors: [400, 404, 422])) { request, context in
            let survey = try await find(context)
            return try Reply.json(try await feature.results.results(survey, filters: try Self.filters(request)))
        }

        table.api(.get, "/api/v1/surveys/{id}/heatmap", readers,
                  APIOperation(id: "getSurveyHeatmap", summary: "Each scored question's favourable share (eNPS for eNPS questions) per value of one attribute, small groups hidden",
                               tag: "Listening",
                               parameters: [.pathID(), APIParameter("by", in: .query, .enumeration(SurveyDimension.allCases.map(\.rawValue)), description: "The attribute to compare by (default department).")],
                               success: APIOperation.ok(.object([], additionalProperties: true)), errors: [400, 404])) { request, context in
            let survey = try await find(context)
            return try Reply.json(try await feature.results.heatmap(survey, by: try Self.dimension(request, strict: true)))
        }

        table.api(.get, "/api/v1/me/surveys", .employee,
                  APIOperation(id: "listMySurveys", summary: "Open surveys sent to the caller and not yet answered", tag: "Listening",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Survey")))])), errors: [403])) { _, context in
            struct Surveys: Encodable { let data: [Survey] }
            return try Reply.json(Surveys(data: try await feature.surveys.waiting(for: try employee(context))))
        }

        table.api(.post, "/api/v1/surveys/{id}/responses", .employee,
                  APIOperation(id: "answerSurvey", summary: "Answer a survey once (a retry with the same submission key is answered 200, not stored twice)", tag: "Listening",
                               parameters: [.pathID()],
                               requestBody: .object([
                                   Schema.Property("submission", .string(minLength: 8, maxLength: 64, pattern: "^[A-Za-z0-9-]+$"),
                                                   description: "A key the client makes once per filled-in form."),
                                   Schema.Property("answers", .array(Self.answer, maxItems: 200)),
                               ]),
                               success: (201, .object([Schema.Property("status", .enumeration(["recorded", "already_recorded"]))]), "application/json"),
                               errors: [400, 403, 404, 409, 415, 422])) { request, context in
            struct Body: Decodable { let submission: String; let answers: [AnswerInput] }
            let person = try employee(context)
            let survey = try await find(context)
            let body = try await request.json(Body.self, context: context)
            let outcome = try await feature.responses.submit(survey: survey, employee: person, submission: body.submission,
                                                             answers: try Self.answers(body.answers, for: survey))
            struct Out: Encodable { let status: String }
            return switch outcome {
            case .recorded: try Reply.json(Out(status: "recorded"), status: .created)
            case .alreadyRecorded: try Reply.json(Out(status: "already_recorded"))
            }
        }
    }

    func find(_ context: TandemContext) async throws -> Survey {
        guard let survey = try await feature.surveys.find(id: try context.pathID(what: "Survey")) else { throw AppError.notFound("Survey") }
        return survey
    }

    func actor(_ context: TandemContext) throws -> AuditActor { AuditActor(identity: try context.requireIdentity(), requestID: context.id) }

    func employee(_ context: TandemContext) throws -> Int64 {
        guard let id = try context.requireIdentity().employeeID else {
            throw AppError(.forbidden, code: "not_an_employee", message: "Surveys are answered as an employee; this account is not linked to one.")
        }
        return id
    }

    func draft(_ input: Input) throws -> SurveyDraft {
        guard let mode = Confidentiality(rawValue: input.mode) else { throw AppError.invalid("mode", "The mode is anonymous, confidential or identified.") }
        let channels = try (input.channels ?? []).map { raw in
            guard let channel = SurveyChannel(rawValue: raw) else { throw AppError.invalid("channels", "A channel is email or sms (the feed card goes to everyone asked).") }
            return channel
        }
        var lifecycle: LifecycleTrigger?
        if let raw = input.lifecycle {
            guard let trigger = LifecycleTrigger(rawValue: raw) else {
                throw AppError.invalid("lifecycle", "lifecycle is one of \(LifecycleTrigger.allCases.map(\.rawValue).joined(separator: ", ")), or left out.")
            }
            lifecycle = trigger
        }
        return SurveyDraft(title: input.title, intro: input.intro ?? "", mode: mode, audienceID: input.audienceId, closesOn: input.closesOn, questions: input.questions,
                           channels: channels, remindAfterDays: input.remindAfterDays, lifecycle: lifecycle, chatDestinations: input.chatDestinations ?? [])
    }

    static func dimension(_ request: Request, strict: Bool) throws -> SurveyDimension {
        guard let raw = try request.queryText("by", max: 20, strict: strict) else { return .department }
        guard let dimension = SurveyDimension(rawValue: raw) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "Compare by one of \(SurveyDimension.allCases.map(\.rawValue).joined(separator: ", ")).", field: "by")
        }
        return dimension
    }

    static func filters(_ request: Request) throws -> [SurveyResults.Filter] {
        try SurveyDimension.allCases.compactMap { dimension in
            try request.queryText(dimension.rawValue, max: 200, strict: true).map { SurveyResults.Filter(dimension: dimension, value: $0) }
        }
    }

    /// Typed answers from the API's list, by each question's kind.
    static func answers(_ list: [AnswerInput], for survey: Survey) throws -> [String: AnswerValue] {
        var out: [String: AnswerValue] = [:]
        let kinds = Dictionary(uniqueKeysWithValues: survey.questions.map { ($0.key, $0.kind) })
        for input in list {
            guard let kind = kinds[input.question] else { throw AppError.invalid("answers", "There is no question \(input.question.prefix(20)) in this survey.") }
            guard out[input.question] == nil else { throw AppError.invalid("answers", "\(input.question) is answered twice.") }
            let value: AnswerValue? = switch kind {
            case .rating, .enps: input.number.map(AnswerValue.number)
            case .single: input.choice.map(AnswerValue.choice)
            case .multiple: input.choices.map(AnswerValue.choices)
            case .text: input.text.map(AnswerValue.text)
            case .matrix: input.ratings.map(AnswerValue.matrix)
            }
            guard let value else { throw AppError.invalid("answers", "\(input.question) takes \(AnswerCheck.expected(kind)).") }
            out[input.question] = value
        }
        return out
    }
}

extension Survey: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, title, intro, mode, state, audienceID = "audienceId", closesOn, questions, version, openedAt, closedAt, invited, createdBy, updatedAt
        case channels, remindAfterDays, reminders, remindedAt, lifecycle, seriesID = "seriesId", wave, chatDestinations, opensOn, scheduledBy, openError
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(title, forKey: .title)
        try container.encode(intro, forKey: .intro)
        try container.encode(mode, forKey: .mode)
        try container.encode(state, forKey: .state)
        try container.encode(audienceID, forKey: .audienceID)
        try container.encode(closesOn, forKey: .closesOn)
        try container.encode(questions, forKey: .questions)
        try container.encode(version, forKey: .version)
        try container.encode(openedAt, forKey: .openedAt)
        try container.encode(closedAt, forKey: .closedAt)
        try container.encode(invited, forKey: .invited)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(channels, forKey: .channels)
        try container.encode(remindAfterDays, forKey: .remindAfterDays)
        try container.encode(reminders, forKey: .reminders)
        try container.encode(remindedAt, forKey: .remindedAt)
        try container.encode(lifecycle, forKey: .lifecycle)
        try container.encode(seriesID, forKey: .seriesID)
        try container.encode(wave, forKey: .wave)
        try container.encode(chatDestinations, forKey: .chatDestinations)
        try container.encode(opensOn, forKey: .opensOn)
        try container.encode(scheduledBy, forKey: .scheduledBy)
        try container.encode(openError, forKey: .openError)
    }
}
