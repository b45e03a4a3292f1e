import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// KPIs, team scorecards and notes on the timeline: pages with forms, CSV and the API.
struct KPIRoutes {
    let feature: AnalyticsFeature
    var store: KPIStore { feature.kpis }

    /// HR, IC and Marketing define KPIs and pin notes; analysts read.
    static let writers: Access = .roles([.hr, .comms, .marketing])

    struct Input: Decodable {
        let name: String
        let description: String?
        let formula: String
        let ownerTeam: String
        let target: Double
        let direction: String
        let period: String
        let unit: String
        let version: Int?
    }

    struct NoteInput: Decodable {
        let day: String
        let note: String
        let teams: [String]
    }

    static let input = Schema.object([
        Schema.Property("name", .line(1...120)), Schema.Property("description", .string(maxLength: 1_000), required: false),
        Schema.Property("formula", .string(minLength: 1, maxLength: 500)),
        Schema.Property("owner_team", .enumeration(KPITeam.allCases.map(\.rawValue))), Schema.Property("target", .number),
        Schema.Property("direction", .enumeration(KPIDirection.allCases.map(\.rawValue))), Schema.Property("period", .enumeration(KPIPeriodKind.allCases.map(\.rawValue))),
        Schema.Property("unit", .enumeration(KPIUnit.allCases.map(\.rawValue))),
        Schema.Property("version", .integer(minimum: 1), required: false),
    ])

    static let schema = Schema.object([
        Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("description", .text), Schema.Property("formula", .text),
        Schema.Property("owner_team", .enumeration(KPITeam.allCases.map(\.rawValue))), Schema.Property("target", .number),
        Schema.Property("direction", .enumeration(KPIDirection.allCases.map(\.rawValue))), Schema.Property("period", .enumeration(KPIPeriodKind.allCases.map(\.rawValue))),
        Schema.Property("unit", .enumeration(KPIUnit.allCases.map(\.rawValue))), Schema.Property("version", .integer(minimum: 1)),
        Schema.Property("updated_by", .text), Schema.Property("updated_at", .dateTime),
    ])

    static let value = Schema.object([
        Schema.Property("period", .text), Schema.Property("start", .dateTime), Schema.Property("value", .nullable(.number), required: false),
        Schema.Property("met", .nullable(.boolean), required: false), Schema.Property("attainment", .nullable(.number), required: false),
        Schema.Property("note", .nullable(.text), required: false),
    ])

    static let note = Schema.object([
        Schema.Property("id", .id), Schema.Property("day", .string(format: "date")), Schema.Property("note", .text),
        Schema.Property("teams", .array(.enumeration(KPITeam.allCases.map(\.rawValue)))), Schema.Property("created_by", .text), Schema.Property("created_at", .dateTime),
    ])

    struct JSONValue: Encodable { let period: String; let start: Date; let value: Double?; let met: Bool?; let attainment: Double?; let note: String? }

    static func json(_ value: KPIValue, _ kpi: KPI) -> JSONValue {
        JSONValue(period: value.label, start: value.start, value: value.value, met: value.met(kpi), attainment: value.attainment(kpi), note: value.note)
    }

    func register(in table: RouteTable) {
        let readers = AnalyticsFeature.readers
        table.component("KPI", Self.schema)

        table.page(.get, "/analytics/kpis", readers) { request, context in try await list(request, context, values: nil, error: nil) }

        table.page(.post, "/analytics/kpis", Self.writers) { request, context in
            let values = try await request.form(context: context)
            do {
                let kpi = try await store.create(try draft(values), by: try actor(context))
                return Pages.redirect("/analytics/kpis/\(kpi.id)", flash: Flash(.success, "Created the KPI \(kpi.name)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await list(request, context, values: values, error: error)
            }
        }

        table.page(.get, "/analytics/kpis/{id}", readers) { request, context in
            try await detail(request, context, kpi: try await find(context), values: nil, error: nil)
        }

        table.page(.post, "/analytics/kpis/{id}", Self.writers) { request, context in
            let kpi = try await find(context)
            let values = try await request.form(context: context)
            do {
                guard let version = values["version"].flatMap({ Int($0) }) else { throw AppError.invalid("version", "The form is missing its version; reload the page.") }
                let saved = try await store.update(kpi.id, try draft(values), version: version, by: try actor(context))
                return Pages.redirect("/analytics/kpis/\(saved.id)", flash: Flash(.success, "Saved \(saved.name)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await detail(request, context, kpi: kpi, values: values, error: error)
            }
        }

        table.page(.post, "/analytics/kpis/{id}/delete", Self.writers) { request, context in
            let kpi = try await find(context)
            _ = try await request.form(context: context)
            try await store.delete(kpi.id, by: try actor(context))
            return Pages.redirect("/analytics/kpis", flash: Flash(.success, "Deleted the KPI \(kpi.name)."), context: context)
        }

        table.page(.get, "/analytics/kpis/{id}/progress.csv", readers) { _, context in
            let kpi = try await find(context)
            try await feature.engagement.rollUp()
            let progress = try await store.progress(kpi, suppression: feature.suppression)
            return Reply.download(KPIPages.progressCSV(kpi, progress), filename: "tandem-kpi-\(kpi.id).csv", contentType: "text/csv; charset=utf-8")
        }

        table.page(.get, "/analytics/scorecards", readers) { request, context in
            try await feature.engagement.rollUp()
            let cards = Scorecard.cards(try await store.scorecardRows(suppression: feature.suppression))
            return Pages.render(request, context, title: "Team scorecards") { _ in KPIPages.scorecards(cards) }
        }

        table.page(.get, "/analytics/scorecards.csv", readers) { _, _ in
            try await feature.engagement.rollUp()
            let cards = Scorecard.cards(try await store.scorecardRows(suppression: feature.suppression))
            return Reply.download(KPIPages.scorecardCSV(cards), filename: "tandem-scorecards.csv", contentType: "text/csv; charset=utf-8")
        }

        table.page(.get, "/analytics/annotations", readers) { request, context in try await notes(request, context, values: nil, error: nil) }

        table.page(.get, "/analytics/annotations.csv", readers) { request, context in
            let period = try AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))
            var csv = CSVWriter(header: ["day", "note", "shared_with", "by"])
            for note in try await feature.annotations.visible(to: context.identity, from: period.from, to: period.to) {
                csv.append([note.day, note.note, note.teams.map(\.rawValue).joined(separator: " "), note.createdBy])
            }
            return Reply.download(csv.text, filename: "tandem-notes-\(period.from)-\(period.to).csv", contentType: "text/csv; charset=utf-8")
        }

        table.page(.post, "/analytics/annotations", Self.writers) { request, context in
            let values = try await request.form(context: context)
            do {
                let note = try await feature.annotations.create(day: values["day"] ?? "", note: values["note"] ?? "", teams: values.all("teams"), by: try actor(context))
                return Pages.redirect("/analytics/annotations", flash: Flash(.success, "Pinned the note to \(note.day)."), context: context)
            } catch let error as AppError where error.field != nil {
                return try await notes(request, context, values: values, error: error)
            }
        }

        table.page(.post, "/analytics/annotations/{id}/delete", Self.writers) { request, context in
            let id = try context.pathID(what: "Note")
            _ = try await request.form(context: context)
            try await feature.annotations.delete(id, identity: try context.requireIdentity(), by: try actor(context))
            return Pages.redirect("/analytics/annotations", flash: Flash(.success, "Removed the note."), context: context)
        }

        // API
        table.api(.get, "/api/v1/kpis", readers,
                  APIOperation(id: "listKPIs", summary: "KPIs with their value this period and last", tag: "Analytics",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.object([
                                   Schema.Property("kpi", .ref("KPI")), Schema.Property("current", Self.value), Schema.Property("previous", Self.value),
                               ])))])))) { _, _ in
            struct Item: Encodable { let kpi: KPI; let current: JSONValue; let previous: JSONValue }
            struct Out: Encodable { let data: [Item] }
            try await feature.engagement.rollUp()
            let rows = try await store.scorecardRows(suppression: feature.suppression)
            return try Reply.json(Out(data: rows.map { Item(kpi: $0.kpi, current: Self.json($0.current, $0.kpi), previous: Self.json($0.previous, $0.kpi)) }))
        }

        table.api(.post, "/api/v1/kpis", Self.writers,
                  APIOperation(id: "createKPI", summary: "Define a KPI: a formula over Tandem's figures with an owner team, target, direction, period and unit", tag: "Analytics",
                               requestBody: Self.input, success: APIOperation.created(.ref("KPI")), errors: [400, 409, 415, 422])) { request, context in
            let input = try await request.json(Input.self, context: context)
            return try Reply.json(try await store.create(try draft(input), by: try actor(context)), status: .created)
        }

        table.api(.get, "/api/v1/kpis/{id}", readers,
                  APIOperation(id: "getKPI", summary: "One KPI", tag: "Analytics", parameters: [.pathID()], success: APIOperation.ok(.ref("KPI")), errors: [404])) { _, context in
            try Reply.json(try await find(context))
        }

        table.api(.put, "/api/v1/kpis/{id}", Self.writers,
                  APIOperation(id: "updateKPI", summary: "Change a KPI; `version` must be the one read", tag: "Analytics", parameters: [.pathID()], requestBody: Self.input,
                               success: APIOperation.ok(.ref("KPI")), errors: [400, 404, 409, 415, 422])) { request, context in
            let kpi = try await find(context)
            let input = try await request.json(Input.self, context: context)
            guard let version = input.version else { throw AppError.invalid("version", "Give the version you read (the KPI's `version`), so a concurrent change is not overwritten.") }
            return try Reply.json(try await store.update(kpi.id, try draft(input), version: version, by: try actor(context)))
        }

        table.api(.delete, "/api/v1/kpis/{id}", Self.writers,
                  APIOperation(id: "deleteKPI", summary: "Delete a KPI", tag: "Analytics", parameters: [.pathID()], success: APIOperation.noContent, errors: [404])) { _, context in
            let kpi = try await find(context)
            try await store.delete(kpi.id, by: try actor(context))
            return Response(status: .noContent)
        }

        table.api(.get, "/api/v1/kpis/{id}/progress", readers,
                  APIOperation(id: "getKPIProgress", summary: "A KPI's value for each of the last `periods` periods (default 12), oldest first", tag: "Analytics",
                               parameters: [.pathID(), APIParameter("periods", in: .query, .integer(minimum: 1, maximum: 52), description: "How many periods, 1–52 (default 12).")],
                               success: APIOperation.ok(.object([Schema.Property("kpi", .ref("KPI")), Schema.Property("data", .array(Self.value))])), errors: [404, 422])) { request, context in
            let kpi = try await find(context)
            var count = 12
            if let raw = request.query("periods") {
                guard let value = Int(raw), (1...52).contains(value) else { throw AppError.invalid("periods", "periods is a whole number from 1 to 52.") }
                count = value
            }
            try await feature.engagement.rollUp()
            struct Out: Encodable { let kpi: KPI; let data: [JSONValue] }
            let progress = try await store.progress(kpi, periods: count, suppression: feature.suppression)
            return try Reply.json(Out(kpi: kpi, data: progress.map { Self.json($0, kpi) }))
        }

        table.api(.get, "/api/v1/scorecards", readers,
                  APIOperation(id: "getScorecards", summary: "Each team's scorecard (HR, IC, Marketing): its KPIs and the shared ones, this period, with attainment", tag: "Analytics",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.object([
                                   Schema.Property("team", .enumeration(["hr", "ic", "marketing"])), Schema.Property("met", .integer(minimum: 0)),
                                   Schema.Property("measured", .integer(minimum: 0)),
                                   Schema.Property("kpis", .array(.object([Schema.Property("kpi", .ref("KPI")), Schema.Property("current", Self.value), Schema.Property("previous", Self.value)]))),
                               ])))])))) { _, _ in
            struct Row: Encodable { let kpi: KPI; let current: JSONValue; let previous: JSONValue }
            struct Card: Encodable { let team: String; let met: Int; let measured: Int; let kpis: [Row] }
            struct Out: Encodable { let data: [Card] }
            try await feature.engagement.rollUp()
            let cards = Scorecard.cards(try await store.scorecardRows(suppression: feature.suppression))
            return try Reply.json(Out(data: cards.map { card in
                Card(team: card.team.rawValue, met: card.met, measured: card.measured,
                     kpis: card.rows.map { Row(kpi: $0.kpi, current: Self.json($0.current, $0.kpi), previous: Self.json($0.previous, $0.kpi)) })
            }))
        }

        table.api(.get, "/api/v1/annotations", readers,
                  APIOperation(id: "listAnnotations", summary: "Notes pinned to days in a period (default the last 90 days) that the caller's team may see", tag: "Analytics",
                               parameters: [APIParameter("from", in: .query, .string(format: "date"), description: "First day (YYYY-MM-DD)."),
                                            APIParameter("to", in: .query, .string(format: "date"), description: "Last day (YYYY-MM-DD).")],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(Self.note))])), errors: [422])) { request, context in
            let period = try AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))
            struct Out: Encodable { let data: [Annotation] }
            return try Reply.json(Out(data: try await feature.annotations.visible(to: context.identity, from: period.from, to: period.to)))
        }

        table.api(.post, "/api/v1/annotations", Self.writers,
                  APIOperation(id: "createAnnotation", summary: "Pin a note to a day, shared with teams (hr, ic, marketing, or shared for everyone)", tag: "Analytics",
                               requestBody: .object([Schema.Property("day", .string(format: "date")), Schema.Property("note", .line(1...200)),
                                                     Schema.Property("teams", .array(.enumeration(KPITeam.allCases.map(\.rawValue))))]),
                               success: APIOperation.created(Self.note), errors: [400, 415, 422])) { request, context in
            let input = try await request.json(NoteInput.self, context: context)
            return try Reply.json(try await feature.annotations.create(day: input.day, note: input.note, teams: input.teams, by: try actor(context)), status: .created)
        }

        table.api(.delete, "/api/v1/annotations/{id}", Self.writers,
                  APIOperation(id: "deleteAnnotation", summary: "Remove a note (its author or an administrator)", tag: "Analytics", parameters: [.pathID()],
                               success: APIOperation.noContent, errors: [403, 404])) { _, context in
            let id = try context.pathID(what: "Note")
            try await feature.annotations.delete(id, identity: try context.requireIdentity(), by: try actor(context))
            return Response(status: .noContent)
        }
    }

    func actor(_ context: TandemContext) throws -> AuditActor { AuditActor(identity: try context.requireIdentity(), requestID: context.id) }

    func find(_ context: TandemContext) async throws -> KPI {
        let id = try context.pathID(what: "KPI")
        guard let kpi = try await store.find(id: id) else { throw AppError.notFound("KPI") }
        return kpi
    }

    func draft(_ input: Input) throws -> KPIDraft {
        guard input.target.isFinite else { throw AppError.invalid("target", "The target must be a finite number.") }
        return try KPIDraft(name: input.name, description: input.description ?? "", formula: input.formula, ownerTeam: input.ownerTeam, target: String(input.target),
                            direction: input.direction, period: input.period, unit: input.unit, sources: store.sources)
    }

    func draft(_ form: FormData) throws -> KPIDraft {
        try KPIDraft(name: form["name"] ?? "", description: form["description"] ?? "", formula: form["formula"] ?? "", ownerTeam: form["owner_team"] ?? "",
                     target: form["target"] ?? "", direction: form["direction"] ?? "", period: form["period"] ?? "", unit: form["unit"] ?? "",
                     sources: store.sources)
    }

    func list(_ request: Request, _ context: TandemContext, values: FormData?, error: AppError?) async throws -> Response {
        try await feature.engagement.rollUp()
        let rows = try await store.scorecardRows(suppression: feature.suppression)
        let canWrite = Self.writers.allows(context.identity)
        return Pages.render(request, context, title: "KPIs", status: error?.status ?? .ok) { page in
            KPIPages.list(page, rows: rows, canWrite: canWrite, values: values, error: error)
        }
    }

    func detail(_ request: Request, _ context: TandemContext, kpi: KPI, values: FormData?, error: AppError?) async throws -> Response {
        try await feature.engagement.rollUp()
        let progress = try await store.progress(kpi, suppression: feature.suppression)
        let from = AnalyticsPeriod.string(progress.first?.start ?? Date()), to = AnalyticsPeriod.string(Date())
        let notes = try await feature.annotations.visible(to: context.identity, from: from, to: to)
        let canWrite = Self.writers.allows(context.identity)
        return Pages.render(request, context, title: kpi.name, status: error?.status ?? .ok) { page in
            KPIPages.detail(page, kpi: kpi, progress: progress, notes: notes, canWrite: canWrite, values: values, error: error)
        }
    }

    func notes(_ request: Request, _ context: TandemContext, values: FormData?, error: AppError?) async throws -> Response {
        let period = (try? AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))) ?? AnalyticsPeriod.recent(days: 365)
        let notes = try await feature.annotations.visible(to: context.identity, from: period.from, to: period.to)
        let identity = context.identity
        let actorLabel = identity.map { AuditActor(identity: $0, requestID: nil).label }
        return Pages.render(request, context, title: "Notes on the timeline", status: error?.status ?? .ok) { page in
            KPIPages.annotations(page, notes: notes, period: period, mayRemove: { note in identity?.roles.contains(.admin) == true || note.createdBy == actorLabel },
                                 values: values, error: error)
        }
    }
}
