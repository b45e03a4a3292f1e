import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Identified surveys' answers by person (HR only: IC and analysts see the same surveys in
/// aggregate), as a page, CSV and API; and every survey's results as CSV for its readers.
struct NamedAnswerRoutes {
    let feature: ListeningFeature
    let api: SurveyRoutes
    static let readers: Access = .roles([.hr])

    static let schema = Schema.object([
        Schema.Property("employee_id", .id), Schema.Property("employee_number", .text), Schema.Property("name", .text),
        Schema.Property("submitted_at", .nullable(.dateTime), required: false),
        Schema.Property("answers", .map(.text), description: "Question key → the answer as text."),
    ])

    func register(in table: RouteTable) {
        table.component("NamedResponse", Self.schema)
        let offset = APIParameter("offset", in: .query, .integer(minimum: 0, maximum: 1_000_000), description: "Skip this many respondents (pages of 200).")

        table.api(.get, "/api/v1/surveys/{id}/answers", Self.readers,
                  APIOperation(id: "listNamedAnswers", summary: "An identified survey's answers by person (HR only)", tag: "Listening", parameters: [.pathID(), offset],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("NamedResponse")))])), errors: [400, 403, 404])) { request, context in
            struct Out: Encodable { let data: [NamedResponse] }
            let survey = try await api.find(context)
            return try Reply.json(Out(data: try await feature.named.page(survey, offset: try Self.offset(request))))
        }

        table.page(.get, "/surveys/{id}/answers", Self.readers) { request, context in
            let survey = try await api.find(context)
            let start = try Self.offset(request)
            let rows = try await feature.named.page(survey, offset: start)
            return Pages.render(request, context, title: "\(survey.title): answers") { _ in
                [UI.heading("\(survey.title): answers by person", subtitle: "An identified survey: respondents were told their name is shown with their answers. Only HR sees this page."),
                 UI.table(caption: "Answers", headers: ["Name", "Employee", "Answered"] + survey.questions.map { "\($0.key). \($0.prompt)" }, rows: rows.map { r in
                     [text(r.name), text(r.employeeNumber), text(r.submittedAt.map { $0.formatted(date: .abbreviated, time: .shortened) } ?? "—")]
                         + survey.questions.map { text(r.answers[$0.key] ?? "—") }
                 }, empty: "Nobody has answered yet."),
                 UI.pagination(next: rows.count == NamedAnswerStore.pageSize ? "/surveys/\(survey.id)/answers?offset=\(start + rows.count)" : nil),
                 el("p", [], [link("CSV (everyone)", "/surveys/\(survey.id)/answers.csv"), text(" · "), link("← Results", "/surveys/\(survey.id)")])]
            }
        }

        table.page(.get, "/surveys/{id}/answers.csv", Self.readers) { _, context in
            let survey = try await api.find(context)
            var csv = CSVWriter(header: ["employee_number", "name", "answered_at"] + survey.questions.map(\.key))
            var start = 0
            while true {
                let rows = try await feature.named.page(survey, offset: start)
                for r in rows {
                    csv.append([r.employeeNumber, r.name, r.submittedAt.map { ISO8601DateFormatter().string(from: $0) } ?? ""] + survey.questions.map { r.answers[$0.key] ?? "" })
                }
                if rows.count < NamedAnswerStore.pageSize { break }
                start += rows.count
            }
            return Reply.download(csv.text, filename: "tandem-survey-\(survey.id)-answers.csv", contentType: "text/csv; charset=utf-8")
        }

        table.page(.get, "/surveys/{id}/results.csv", ListeningFeature.readers) { _, context in
            let survey = try await api.find(context)
            guard survey.state != .draft else { throw AppError.conflict("A draft has no results yet.") }
            let results = try await feature.results.results(survey, filters: [])
            var csv = CSVWriter(header: ["question", "item", "prompt", "answers", "mean", "favourable", "neutral", "unfavourable", "enps", "enps_low", "enps_high", "note"])
            func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }
            for q in results.questions {
                csv.append([q.key, q.item, q.prompt, String(q.answers), number(q.mean), number(q.favourable), number(q.neutral), number(q.unfavourable),
                            number(q.enps?.score), number(q.enps?.low), number(q.enps?.high), q.note ?? ""])
            }
            return Reply.download(csv.text, filename: "tandem-survey-\(survey.id)-results.csv", contentType: "text/csv; charset=utf-8")
        }
    }

    static func offset(_ request: Request) throws -> Int {
        guard let raw = try request.queryText("offset", max: 8, strict: true) else { return 0 }
        guard let n = Int(raw), n >= 0 else { throw AppError(.badRequest, code: "invalid_parameter", message: "offset is a whole number, 0 or more.", field: "offset") }
        return n
    }
}
