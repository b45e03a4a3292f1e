import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// How a survey's invitations and reminders are going, and reminders by hand (HR).
struct DistributionRoutes {
    let feature: ListeningFeature
    let api: SurveyRoutes

    static let schema = Schema.object([
        Schema.Property("lines", .array(.object([
            Schema.Property("channel", .enumeration(SurveyChannel.allCases.map(\.rawValue))),
            Schema.Property("round", .integer(minimum: 0), description: "0 for the invitation, n for the n-th reminder."),
            Schema.Property("counts", .map(.integer(minimum: 0)), description: "Messages by state: \(SurveyMessageState.allCases.map(\.rawValue).joined(separator: ", "))."),
        ]))),
        Schema.Property("chat", .array(.object([
            Schema.Property("destination_id", .id), Schema.Property("destination", .text),
            Schema.Property("round", .integer(minimum: 0)), Schema.Property("state", .enumeration(SurveyMessageState.allCases.map(\.rawValue))),
            Schema.Property("attempts", .integer(minimum: 0)), Schema.Property("error", .nullable(.text), required: false),
            Schema.Property("sent_at", .nullable(.dateTime), required: false),
        ])), description: "One post per Slack or Teams destination and round."),
        Schema.Property("waiting", .integer(minimum: 0), description: "People asked who have not answered: whom a reminder reaches."),
        Schema.Property("next_reminder_from", .nullable(.dateTime), required: false),
    ])

    func register(in table: RouteTable) {
        table.component("SurveyDistribution", Self.schema)

        table.api(.get, "/api/v1/surveys/{id}/distribution", ListeningFeature.staff,
                  APIOperation(id: "getSurveyDistribution", summary: "Invitations and reminders by channel and round, and how many have not answered", tag: "Listening",
                               parameters: [.pathID()], success: APIOperation.ok(.ref("SurveyDistribution")), errors: [404])) { _, context in
            try Reply.json(try await feature.messages.distribution(try await api.find(context)))
        }

        table.api(.post, "/api/v1/surveys/{id}/reminders", ListeningFeature.openers,
                  APIOperation(id: "remindSurvey", summary: "Remind everyone asked who has not answered, by the survey's email and SMS channels, and post again in its chat channels", tag: "Listening",
                               parameters: [.pathID()],
                               success: APIOperation.created(.object([Schema.Property("round", .integer(minimum: 1)), Schema.Property("planned", .integer(minimum: 0))])),
                               errors: [404, 409])) { _, context in
            struct Out: Encodable { let round: Int; let planned: Int }
            let survey = try await api.find(context)
            let (round, planned) = try await feature.messages.remind(survey.id, by: try api.actor(context))
            return try Reply.json(Out(round: round, planned: planned), status: .created)
        }

        table.page(.post, "/surveys/{id}/remind", ListeningFeature.openers) { request, context in
            let survey = try await api.find(context)
            _ = try await request.form(context: context)
            do {
                let (round, planned) = try await feature.messages.remind(survey.id, by: try api.actor(context))
                return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.success, "Reminder \(round): \(planned) messages to people who have not answered are on their way."),
                                      context: context)
            } catch let error as AppError where error.status == .conflict {
                return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.error, error.message), context: context)
            }
        }
    }
}
