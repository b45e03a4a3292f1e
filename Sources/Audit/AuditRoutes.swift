public import Foundation
public import Hummingbird
public import TandemCore
public import TandemStore
public import TandemUI

/// The audit log for admins: browse with filters, export as CSV, read through the API.
public struct AuditFeature: Sendable {
    public let store: AuditStore
    public static let migrations = AuditMigrations.all

    public init(store: AuditStore) {
        self.store = store
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Audit log", "/admin/audit", .only(.admin))])
        table.component("AuditRecord", AuditAPI.record)

        table.page(.get, "/admin/audit", .only(.admin)) { request, context in
            let query = try AuditAPI.query(from: request)
            let page = try await store.search(query)
            let actions = try await store.distinctActions()
            return Pages.render(request, context, title: "Audit log") { AuditPages.list($0, query: query, page: page, actions: actions, request: request) }
        }

        table.page(.get, "/admin/audit.csv", .only(.admin)) { request, context in
            var query = try AuditAPI.query(from: request)
            query.limit = 200
            var csv = CSVWriter(header: ["id", "at", "actor", "channel", "action", "entity_type", "entity_id", "summary", "before", "after", "request_id"])
            // Page through the whole filtered log; each page is one indexed query.
            while true {
                let page = try await store.search(query)
                for record in page.items {
                    csv.append([
                        String(record.id), record.at.ISO8601Format(), record.actor, record.channel, record.action, record.entityType,
                        record.entityId, record.summary, AuditStore.encode(record.before) ?? "", AuditStore.encode(record.after) ?? "",
                        record.requestId ?? "",
                    ])
                }
                guard let next = page.nextCursor else { break }
                query.cursor = try Cursor.decode(next)
            }
            return Reply.download(csv.text, filename: "tandem-audit.csv", contentType: "text/csv; charset=utf-8")
        }

        table.api(.get, "/api/v1/audit", .only(.admin),
                  APIOperation(id: "listAudit", summary: "Search the audit log, newest first", tag: "Audit",
                               parameters: AuditAPI.parameters + [.cursor, .limit],
                               success: APIOperation.ok(AuditAPI.page), errors: [400])) { request, _ in
            let page = try await store.search(try AuditAPI.query(from: request, strict: true))
            return try Reply.json(AuditAPI.List(data: page.items, nextCursor: page.nextCursor))
        }
    }
}

enum AuditAPI {
    static let record = Schema.object([
        Schema.Property("id", .id), Schema.Property("at", .dateTime), Schema.Property("actor_id", .nullable(.id), required: false),
        Schema.Property("actor", .text), Schema.Property("channel", .enumeration(AuditActor.Channel.allCases.map(\.rawValue))),
        Schema.Property("action", .text), Schema.Property("entity_type", .text), Schema.Property("entity_id", .text),
        Schema.Property("summary", .text),
        Schema.Property("before", .nullable(.object([], additionalProperties: true)), required: false),
        Schema.Property("after", .nullable(.object([], additionalProperties: true)), required: false),
        Schema.Property("request_id", .nullable(.text), required: false),
    ])
    static let page = Schema.object([
        Schema.Property("data", .array(.ref("AuditRecord"))), Schema.Property("next_cursor", .nullable(.text), required: false),
    ])
    static let parameters: [APIParameter] = [
        APIParameter("actor", in: .query, .string(minLength: 1, maxLength: 254, pattern: TextRules.singleLinePattern), description: "Email (or label) of who made the change."),
        APIParameter("action", in: .query, .string(minLength: 1, maxLength: 80, pattern: TextRules.singleLinePattern), description: "Exact action, e.g. user.create."),
        APIParameter("entity_type", in: .query, .string(minLength: 1, maxLength: 80, pattern: TextRules.singleLinePattern), description: "Kind of thing changed, e.g. user."),
        APIParameter("from", in: .query, .string(format: "date", minLength: 1, maxLength: 40), description: "From this day (YYYY-MM-DD, UTC) or instant (ISO 8601)."),
        APIParameter("to", in: .query, .string(format: "date", minLength: 1, maxLength: 40), description: "Before this day or instant (days are inclusive)."),
        APIParameter("q", in: .query, .string(minLength: 1, maxLength: 200, pattern: TextRules.singleLinePattern), description: "Words in the summary."),
    ]

    struct List: Encodable { let data: [AuditRecord]; let nextCursor: String? }

    /// `strict` (the API) refuses a parameter given with no value; pages send empty filters.
    static func query(from request: Request, strict: Bool = false) throws -> AuditQuery {
        func value(_ name: String, max: Int) throws -> String? { try request.queryText(name, max: max, strict: strict) }
        return AuditQuery(
            actor: try value("actor", max: 254), action: try value("action", max: 80), entityType: try value("entity_type", max: 80),
            from: try date(try value("from", max: 40), field: "from", endOfDay: false),
            to: try date(try value("to", max: 40), field: "to", endOfDay: true),
            text: try value("q", max: 200), cursor: try Cursor.decode(request.query("cursor")), limit: try Cursor.limit(request.query("limit")))
    }

    /// Accepts a calendar day (UTC) or a full ISO 8601 instant. A `to` day includes the whole day.
    static func date(_ raw: String?, field: String, endOfDay: Bool) throws -> Date? {
        guard let raw else { return nil }
        if let instant = try? Date(raw, strategy: .iso8601) { return instant }
        if let day = try? Date(raw + "T00:00:00Z", strategy: .iso8601) { return endOfDay ? day.addingTimeInterval(86_400) : day }
        throw AppError(.badRequest, code: "invalid_parameter", message: "'\(field)' must be a date like 2026-11-23 or an ISO 8601 time.", field: field)
    }
}

enum AuditPages {
    static func list(_ page: PageContext, query: AuditQuery, page records: Page<AuditRecord>, actions: [String], request: Request) -> [HTMLNode] {
        let filters: [(String, String?)] = [
            ("actor", query.actor), ("action", query.action), ("entity_type", query.entityType), ("q", query.text),
            ("from", request.query("from")), ("to", request.query("to")),
        ]
        let queryString = filters.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? "")" }
        }.joined(separator: "&")
        let format = Date.FormatStyle(date: .numeric, time: .standard, locale: Locale(identifier: "en_GB"), timeZone: TimeZone(identifier: "UTC")!)
        return [
            UI.heading("Audit log", subtitle: "Every change made in Tandem: who, when, what, and what it was before."),
            el("form", [("method", "get"), ("action", "/admin/audit"), ("class", "filters")], [
                UI.field("Who (email)", name: "actor", value: query.actor ?? ""),
                UI.select("Action", name: "action", options: [(value: "", title: "Any")] + actions.map { (value: $0, title: $0) }, selected: query.action ?? ""),
                UI.field("Entity type", name: "entity_type", value: query.entityType ?? ""),
                UI.field("From", name: "from", type: "date", value: request.query("from") ?? ""),
                UI.field("To", name: "to", type: "date", value: request.query("to") ?? ""),
                UI.field("Summary contains", name: "q", type: "search", value: query.text ?? ""),
                el("div", [("class", "field")], [el("button", [("type", "submit")], text: "Filter")]),
            ]),
            el("p", [], [link("Export these entries as CSV", "/admin/audit.csv" + (queryString.isEmpty ? "" : "?" + queryString))]),
            UI.table(caption: "Audit entries, newest first", headers: ["When (UTC)", "Who", "Via", "Action", "What", "Changes"], rows: records.items.map { record in
                [text(record.at.formatted(format)), text(record.actor), text(record.channel), el("code", text: record.action),
                 text(record.summary), changes(record)]
            }, empty: "No entries match these filters."),
            UI.pagination(next: records.nextCursor.map { "/admin/audit?" + (queryString.isEmpty ? "" : queryString + "&") + "cursor=\($0)" }),
        ]
    }

    static func changes(_ record: AuditRecord) -> HTMLNode {
        let keys = Set((record.before ?? [:]).keys).union((record.after ?? [:]).keys).sorted()
        guard !keys.isEmpty else { return text("") }
        return el("ul", [], keys.map { key in
            let before = record.before?[key]
            let after = record.after?[key] ?? ""
            return el("li", [], [el("strong", text: key + ": "), text(before.map { "\($0) → \(after)" } ?? after)])
        })
    }
}
