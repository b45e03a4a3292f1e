import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// HR imports employee data from an HRIS export: upload, check (dry run), apply.
struct ImportRoutes {
    let importer: EmployeeImporter
    let store: ImportStore
    static let access: Access = .roles([.hr])

    func register(in table: RouteTable) {
        table.page(.get, "/people/import", Self.access) { request, context in
            let history = try await store.history()
            let saved = try await store.savedMapping()
            return Pages.render(request, context, title: "Import employees") { ImportPages.start($0, history: history, saved: saved) }
        }

        table.page(.post, "/people/import", Self.access) { request, context in
            let identity = try context.requireIdentity()
            let form = try await request.multipart(context: context)
            guard let file = form.files["file"], !file.data.isEmpty else {
                throw AppError.invalid("file", "Choose a CSV file to import.")
            }
            let text = try ImportPlanner.text(from: file.data)
            let upload = try await store.stage(fileName: String(file.fileName.prefix(200)), content: text, userID: identity.userID)
            let options = Self.options(mode: form["mode"], skip: form["skip_bad_rows"] == "on")
            return try await check(request, context, upload: upload, fileName: file.fileName, text: text, options: options, confirm: false)
        }

        table.page(.post, "/people/import/{upload}/apply", Self.access) { request, context in
            let identity = try context.requireIdentity()
            let form = try await request.form(context: context)
            let upload = context.parameters.get("upload") ?? ""
            guard let staged = try await store.staged(upload, userID: identity.userID) else {
                throw AppError.notFound("That upload (uploads are kept for a day)")
            }
            var importRequest = EmployeeImporter.Request(fileName: staged.fileName, data: Data(staged.content.utf8))
            importRequest.options = Self.options(mode: form["mode"], skip: form["skip_bad_rows"] == "on")
            importRequest.confirmDeactivations = form["confirm_deactivations"] == "on"
            let outcome = try await importer.run(importRequest, by: AuditActor(identity: identity, requestID: context.id))
            switch outcome {
            case .applied(_, let record):
                try await store.discard(upload)
                return Pages.redirect("/people/import", flash: Flash(.success, "Imported \(record.fileName): \(record.created) created, \(record.updated) updated, \(record.deactivated) deactivated, \(record.rejected) skipped."), context: context)
            case .planned(let plan, let refusal):
                if refusal == nil {
                    try await store.discard(upload)
                    return Pages.redirect("/people/import", flash: Flash(.info, "Nothing to change: every row matches what Tandem already has."), context: context)
                }
                return Pages.render(request, context, title: "Import not applied", status: .unprocessableContent) {
                    ImportPages.report($0, plan: plan, upload: upload, fileName: staged.fileName, refusal: refusal, options: importRequest.options, confirmed: importRequest.confirmDeactivations)
                }
            }
        }

        table.page(.get, "/people/import/{upload}/rejections.csv", Self.access) { request, context in
            let identity = try context.requireIdentity()
            let upload = context.parameters.get("upload") ?? ""
            guard let staged = try await store.staged(upload, userID: identity.userID) else {
                throw AppError.notFound("That upload (uploads are kept for a day)")
            }
            let plan = try await importer.plan(csv: staged.content, mapping: nil, options: Self.options(mode: nil, skip: false))
            return Reply.download(plan.rejectionsCSV, filename: "rejected-rows.csv", contentType: "text/csv; charset=utf-8")
        }

        table.api(.post, "/api/v1/employees/import", Self.access,
                  APIOperation(id: "importEmployees", summary: "Import employees from an HRIS CSV export (dry run, or apply all-or-nothing)", tag: "People",
                               parameters: ImportAPI.parameters, requestBody: .string(maxLength: 100_000_000), requestContentType: "text/csv",
                               success: APIOperation.ok(ImportAPI.report), errors: [400, 415, 422])) { request, context in
            let identity = try context.requireIdentity()
            guard request.headers[.contentType]?.lowercased().hasPrefix("text/csv") == true else {
                throw AppError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send the CSV file as the body with 'Content-Type: text/csv'.")
            }
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: context.bodyLimit) } catch { throw AppError.tooLarge(limit: context.bodyLimit) }
            var importRequest = EmployeeImporter.Request(fileName: String((request.query("file_name") ?? "api-upload.csv").prefix(200)), data: Data(buffer: buffer))
            let flags = try ImportAPI.flags(request)
            importRequest.dryRun = flags.dryRun
            importRequest.confirmDeactivations = flags.confirm
            importRequest.options = Self.options(mode: flags.mode, skip: flags.skip)
            let outcome = try await importer.run(importRequest, by: AuditActor(identity: identity, requestID: context.id))
            return try Reply.json(ImportAPI.Report(outcome, dryRun: flags.dryRun))
        }

        table.api(.get, "/api/v1/employees/imports", Self.access,
                  APIOperation(id: "listEmployeeImports", summary: "History of applied imports, newest first", tag: "People",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(ImportAPI.record))])))) { _, _ in
            try Reply.json(ImportAPI.History(data: try await store.history()))
        }
    }

    static func options(mode: String?, skip: Bool) -> ImportOptions {
        var options = ImportOptions()
        options.mode = mode == "partial" ? .partial : .full
        options.skipBadRows = skip
        options.allowSensitive = true  // the route is HR-only
        return options
    }

    func check(_ request: Request, _ context: TandemContext, upload: String, fileName: String, text: String, options: ImportOptions, confirm: Bool) async throws -> Response {
        let plan = try await importer.plan(csv: text, mapping: nil, options: options)
        return Pages.render(request, context, title: "Check import") {
            ImportPages.report($0, plan: plan, upload: upload, fileName: fileName, refusal: nil, options: options, confirmed: confirm)
        }
    }
}

enum ImportAPI {
    static let parameters: [APIParameter] = [
        APIParameter("dry_run", in: .query, .boolean, description: "Only report what would change (default false)."),
        APIParameter("mode", in: .query, .enumeration(["full", "partial"]), description: "full (default): the file is the whole workforce and absent employees are deactivated; partial: only the rows given."),
        APIParameter("skip_bad_rows", in: .query, .boolean, description: "Import the good rows and skip rejected ones (default: any bad row stops the import)."),
        APIParameter("confirm_deactivations", in: .query, .boolean, description: "Allow deactivating more than 20% of active employees."),
        APIParameter("file_name", in: .query, .string(minLength: 1, maxLength: 200, pattern: TextRules.singleLinePattern), description: "Name recorded in the import history."),
    ]
    static let record = Schema.object([
        Schema.Property("id", .id), Schema.Property("at", .dateTime), Schema.Property("actor", .text), Schema.Property("file_name", .text),
        Schema.Property("mode", .enumeration(["full", "partial"])), Schema.Property("total_rows", .integer(minimum: 0)),
        Schema.Property("created", .integer(minimum: 0)), Schema.Property("updated", .integer(minimum: 0)), Schema.Property("unchanged", .integer(minimum: 0)),
        Schema.Property("deactivated", .integer(minimum: 0)), Schema.Property("rejected", .integer(minimum: 0)),
    ])
    static let report = Schema.object([
        Schema.Property("status", .enumeration(["dry_run", "refused", "applied", "unchanged"])),
        Schema.Property("refusal", .nullable(.text), required: false),
        Schema.Property("import_id", .nullable(.id), required: false),
        Schema.Property("total_rows", .integer(minimum: 0)), Schema.Property("to_create", .integer(minimum: 0)),
        Schema.Property("to_update", .integer(minimum: 0)), Schema.Property("unchanged", .integer(minimum: 0)),
        Schema.Property("to_deactivate", .array(.text)), Schema.Property("ignored_columns", .array(.text)), Schema.Property("notes", .array(.text)),
        Schema.Property("rejected", .array(.object([
            Schema.Property("line", .integer(minimum: 1)), Schema.Property("employee_id", .nullable(.text), required: false),
            Schema.Property("field", .nullable(.text), required: false), Schema.Property("message", .text),
        ]))),
    ])

    struct History: Encodable { let data: [ImportRecord] }

    struct Report: Encodable {
        let status: String
        let refusal: String?
        let importId: Int64?
        let totalRows: Int, toCreate: Int, toUpdate: Int, unchanged: Int
        let toDeactivate: [String], ignoredColumns: [String], notes: [String]
        let rejected: [ImportPlan.Rejection]

        init(_ outcome: EmployeeImporter.Outcome, dryRun: Bool) {
            let plan = outcome.plan
            switch outcome {
            case .applied(_, let record):
                (status, refusal, importId) = ("applied", nil, record.id)
            case .planned(_, let reason?):
                (status, refusal, importId) = ("refused", reason, nil)
            case .planned:
                (status, refusal, importId) = (dryRun ? "dry_run" : "unchanged", nil, nil)
            }
            (totalRows, toCreate, toUpdate, unchanged) = (plan.totalRows, plan.creates.count, plan.updates.count, plan.unchanged)
            (toDeactivate, ignoredColumns, notes, rejected) = (plan.deactivations, plan.ignoredColumns, plan.notes, plan.rejected)
        }
    }

    static func flags(_ request: Request) throws -> (dryRun: Bool, mode: String?, skip: Bool, confirm: Bool) {
        func flag(_ name: String) throws -> Bool {
            guard let raw = request.query(name) else { return false }
            switch raw.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: throw AppError(.badRequest, code: "invalid_parameter", message: "'\(name)' must be true or false.", field: name)
            }
        }
        let mode = request.query("mode")
        if let mode, mode != "full", mode != "partial" {
            throw AppError(.badRequest, code: "invalid_parameter", message: "'mode' must be full or partial.", field: "mode")
        }
        return (try flag("dry_run"), mode, try flag("skip_bad_rows"), try flag("confirm_deactivations"))
    }
}
