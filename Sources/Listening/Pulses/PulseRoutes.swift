import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Pulses: HR makes a draft the template of a series of waves (opening them is HR's approval,
/// given once for the series); everyone who reads results follows the trend.
struct PulseRoutes {
    let feature: ListeningFeature
    let api: SurveyRoutes

    static let schema = Schema.object([
        Schema.Property("id", .id), Schema.Property("template_id", .id),
        Schema.Property("every_days", .integer(minimum: 7, maximum: 91)), Schema.Property("sample_percent", .integer(minimum: 5, maximum: 100)),
        Schema.Property("open_days", .integer(minimum: 1, maximum: 91)), Schema.Property("next_on", .string(format: "date")),
        Schema.Property("active", .boolean), Schema.Property("waves", .integer(minimum: 0)),
        Schema.Property("note", .nullable(.text), required: false, description: "Why the last wave could not open, if it could not."),
        Schema.Property("updated_by", .text), Schema.Property("updated_at", .dateTime),
    ])
    static let input = Schema.object([
        Schema.Property("every_days", .integer(minimum: 7, maximum: 91)),
        Schema.Property("sample_percent", .integer(minimum: 5, maximum: 100), description: "Share of the audience asked in each wave, those asked longest ago first."),
        Schema.Property("open_days", .integer(minimum: 1, maximum: 91), description: "How long each wave takes answers; at most every_days."),
        Schema.Property("first_on", .string(format: "date"), description: "The day the first wave opens: today or later."),
    ])
    static let trend = Schema.object([
        Schema.Property("series_id", .id), Schema.Property("threshold", .integer(minimum: 3)),
        Schema.Property("waves", .array(.object([
            Schema.Property("wave", .integer(minimum: 1)), Schema.Property("survey_id", .id), Schema.Property("state", .enumeration(SurveyState.allCases.map(\.rawValue))),
            Schema.Property("opened_on", .nullable(.string(format: "date")), required: false), Schema.Property("invited", .integer(minimum: 0)),
            Schema.Property("responses", .nullable(.integer(minimum: 0)), required: false), Schema.Property("response_rate", .nullable(.number), required: false),
        ]))),
        Schema.Property("rows", .array(.object([
            Schema.Property("prompt", .text), Schema.Property("item", .text), Schema.Property("measure", .enumeration(["favourable", "enps"])),
            Schema.Property("values", .array(.nullable(.number))),
        ]))),
    ])

    struct Input: Decodable {
        let everyDays: Int, samplePercent: Int, openDays: Int, firstOn: String
        var settings: PulseSettings { PulseSettings(everyDays: everyDays, samplePercent: samplePercent, openDays: openDays, firstOn: firstOn) }
    }

    func register(in table: RouteTable) {
        let openers = ListeningFeature.openers
        table.component("PulseSeries", Self.schema)
        table.component("PulseTrend", Self.trend)

        table.api(.put, "/api/v1/surveys/{id}/pulse", openers,
                  APIOperation(id: "setSurveyPulse", summary: "Repeat a draft as a pulse: waves to a rotating sample on a schedule (HR)", tag: "Listening",
                               parameters: [.pathID()], requestBody: Self.input, success: APIOperation.ok(.ref("PulseSeries")), errors: [400, 404, 409, 415, 422])) { request, context in
            let survey = try await api.find(context)
            let input = try await request.json(Input.self, context: context)
            return try Reply.json(try await feature.pulses.save(template: survey.id, input.settings, by: try api.actor(context)))
        }

        table.api(.delete, "/api/v1/surveys/{id}/pulse", openers,
                  APIOperation(id: "stopSurveyPulse", summary: "Stop a pulse: no more waves open (those open run to their end)", tag: "Listening",
                               parameters: [.pathID()], success: APIOperation.ok(.ref("PulseSeries")), errors: [404])) { _, context in
            try Reply.json(try await feature.pulses.stop(template: try await api.find(context).id, by: try api.actor(context)))
        }

        table.api(.get, "/api/v1/surveys/{id}/trend", ListeningFeature.readers,
                  APIOperation(id: "getSurveyTrend", summary: "A pulse's scores wave by wave (give the template's id or a wave's)", tag: "Listening",
                               parameters: [.pathID()], success: APIOperation.ok(.ref("PulseTrend")), errors: [404])) { _, context in
            let series = try await series(for: try await api.find(context))
            return try Reply.json(try await feature.results.trend(series, waves: try await feature.pulses.waves(series)))
        }

        table.page(.post, "/surveys/{id}/pulse", openers) { request, context in
            let survey = try await api.find(context)
            let form = try await request.form(context: context)
            do {
                func number(_ name: String, _ what: String) throws -> Int {
                    guard let n = Int((form[name] ?? "").trimmingCharacters(in: .whitespaces)) else { throw AppError.invalid(name, "Write \(what) as a whole number.") }
                    return n
                }
                let settings = PulseSettings(everyDays: try number("every_days", "the days between waves"), samplePercent: try number("sample_percent", "the share asked"),
                                             openDays: try number("open_days", "the days each wave stays open"), firstOn: form["first_on"] ?? "")
                let series = try await feature.pulses.save(template: survey.id, settings, by: try api.actor(context))
                return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.success, "Pulse set: the first wave opens on \(series.nextOn)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.error, error.message), context: context)
            }
        }

        table.page(.post, "/surveys/{id}/pulse/stop", openers) { request, context in
            let survey = try await api.find(context)
            _ = try await request.form(context: context)
            _ = try await feature.pulses.stop(template: survey.id, by: try api.actor(context))
            return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.success, "Pulse stopped: no more waves open."), context: context)
        }

        table.page(.get, "/surveys/{id}/trend", ListeningFeature.readers) { request, context in
            let survey = try await api.find(context)
            let series = try await series(for: survey)
            let template = try await feature.surveys.find(id: series.templateID)
            let trend = try await feature.results.trend(series, waves: try await feature.pulses.waves(series))
            return Pages.render(request, context, title: "Trend") { _ in PulsePages.trend(template?.title ?? survey.title, series: series, trend) }
        }
    }

    /// The series a template or wave belongs to.
    func series(for survey: Survey) async throws -> PulseSeries {
        let found = if let id = survey.seriesID { try await feature.pulses.series(id: id) } else { try await feature.pulses.series(template: survey.id) }
        guard let found else { throw AppError(.notFound, code: "not_a_pulse", message: "This survey is not part of a pulse, so it has no trend. Make a draft a pulse on its page.") }
        return found
    }
}
