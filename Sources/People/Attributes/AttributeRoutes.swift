import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Custom attribute definitions: HR defines them; everyone who targets sees the ones they may use.
struct AttributeRoutes {
    let store: AttributeStore
    let users: @Sendable (String) async throws -> [String]
    static let readers = PeopleAccess.directory
    static let writers = PeopleAccess.sensitive

    func register(in table: RouteTable) {
        table.component("Attribute", AttributeAPI.attribute)

        table.page(.get, "/people/attributes", Self.readers) { request, context in
            try await list(request, context, values: nil, error: nil)
        }

        table.page(.post, "/people/attributes", Self.writers) { request, context in
            let values = try await request.form(context: context)
            do {
                let saved = try await store.create(try draft(values, existing: nil), by: try actor(context))
                return Pages.redirect("/people/attributes/\(saved.name)", flash: Flash(.success, "Defined \(saved.fieldName). Import values with a CSV column of that name."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await list(request, context, values: values, error: error)
            }
        }

        table.page(.get, "/people/attributes/{name}", Self.readers) { request, context in
            let attribute = try await find(context)
            return try await detail(request, context, attribute, values: nil, error: nil)
        }

        table.page(.post, "/people/attributes/{name}", Self.writers) { request, context in
            let attribute = try await find(context)
            let values = try await request.form(context: context)
            do {
                let saved = try await store.update(attribute.name, try draft(values, existing: attribute), usedBy: try await users(attribute.name), by: try actor(context))
                return Pages.redirect("/people/attributes/\(saved.name)", flash: Flash(.success, "Saved \(saved.fieldName)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await detail(request, context, attribute, values: values, error: error)
            }
        }

        table.page(.post, "/people/attributes/{name}/delete", Self.writers) { request, context in
            let attribute = try await find(context)
            _ = try await request.form(context: context)
            do {
                try await store.delete(attribute.name, usedBy: try await users(attribute.name), by: try actor(context))
            } catch let error as AppError where error.status == .conflict {
                return try await detail(request, context, attribute, values: nil, error: error)
            }
            return Pages.redirect("/people/attributes", flash: Flash(.success, "Deleted \(attribute.fieldName) and its values."), context: context)
        }

        registerAPI(in: table)
    }

    private func registerAPI(in table: RouteTable) {
        table.api(.get, "/api/v1/attributes", Self.readers,
                  APIOperation(id: "listAttributes", summary: "Custom attributes of employee records (HR-only ones for hr and admin)", tag: "People",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Attribute")))])))) { _, context in
            struct Attributes: Encodable { let data: [AttributeAPI.AttributeJSON] }
            let usage = try await store.usage()
            let list = try await store.visible(includeSensitive: PeopleAccess.canSeeSensitive(context.identity))
            return try Reply.json(Attributes(data: list.map { AttributeAPI.AttributeJSON($0, count: usage[$0.name] ?? 0) }))
        }

        table.api(.post, "/api/v1/attributes", Self.writers,
                  APIOperation(id: "createAttribute", summary: "Define a custom attribute (HR)", tag: "People", requestBody: AttributeAPI.input,
                               success: APIOperation.created(.ref("Attribute")), errors: [400, 409, 415, 422])) { request, context in
            let body = try await request.json(AttributeAPI.Input.self, context: context)
            let saved = try await store.create(try draft(body, existing: nil), by: try actor(context))
            return try Reply.json(AttributeAPI.AttributeJSON(saved, count: 0), status: .created)
        }

        table.api(.get, "/api/v1/attributes/{name}", Self.readers,
                  APIOperation(id: "getAttribute", summary: "One custom attribute", tag: "People", parameters: [AttributeAPI.nameParameter],
                               success: APIOperation.ok(.ref("Attribute")), errors: [404])) { _, context in
            let attribute = try await find(context)
            return try Reply.json(AttributeAPI.AttributeJSON(attribute, count: try await store.usage()[attribute.name] ?? 0))
        }

        table.api(.put, "/api/v1/attributes/{name}", Self.writers,
                  APIOperation(id: "updateAttribute", summary: "Change a custom attribute's label, options, description or HR-only flag (HR)", tag: "People",
                               parameters: [AttributeAPI.nameParameter], requestBody: AttributeAPI.input, success: APIOperation.ok(.ref("Attribute")),
                               errors: [400, 404, 409, 415, 422])) { request, context in
            let attribute = try await find(context)
            let body = try await request.json(AttributeAPI.Input.self, context: context)
            let saved = try await store.update(attribute.name, try draft(body, existing: attribute), usedBy: try await users(attribute.name), by: try actor(context))
            return try Reply.json(AttributeAPI.AttributeJSON(saved, count: try await store.usage()[saved.name] ?? 0))
        }

        table.api(.delete, "/api/v1/attributes/{name}", Self.writers,
                  APIOperation(id: "deleteAttribute", summary: "Delete a custom attribute and its values, unless a saved audience uses it (HR)", tag: "People",
                               parameters: [AttributeAPI.nameParameter], success: APIOperation.noContent, errors: [404, 409])) { _, context in
            let attribute = try await find(context)
            try await store.delete(attribute.name, usedBy: try await users(attribute.name), by: try actor(context))
            return Reply.noContent()
        }
    }

    /// HR-only attributes do not exist for callers who may not see them.
    func find(_ context: TandemContext) async throws -> AttributeDefinition {
        let name = context.parameters.get("name") ?? ""
        guard let attribute = try await store.find(name: name), !attribute.sensitive || PeopleAccess.canSeeSensitive(context.identity) else {
            throw AppError.notFound("Attribute")
        }
        return attribute
    }

    func actor(_ context: TandemContext) throws -> AuditActor {
        AuditActor(identity: try context.requireIdentity(), requestID: context.id)
    }

    func draft(_ body: AttributeAPI.Input, existing: AttributeDefinition?) throws -> AttributeDraft {
        if let existing, let name = body.name, name != existing.name {
            throw AppError.invalid("name", "An attribute's name cannot change (rules and import files use it). Define a new attribute instead.")
        }
        if body.options?.contains(where: { $0.trimmed.isEmpty }) == true { throw AppError.invalid("options", "'options' must not contain empty values.") }
        let kind = try AttributeAPI.kind(body.kind, existing: existing)
        return try AttributeDraft(name: existing?.name ?? body.name ?? "", label: body.label ?? existing?.label, kind: kind,
                                  options: body.options ?? existing?.options ?? [], sensitive: body.hrOnly ?? existing?.sensitive ?? false,
                                  description: body.description ?? existing?.description ?? "")
    }

    func draft(_ form: FormData, existing: AttributeDefinition?) throws -> AttributeDraft {
        let kind = try AttributeAPI.kind(form.text("kind"), existing: existing)
        return try AttributeDraft(name: existing?.name ?? form["name"] ?? "", label: form["label"], kind: kind,
                                  options: (form["options"] ?? "").split(whereSeparator: \.isNewline).map(String.init),
                                  sensitive: form["hr_only"] == "on", description: form["description"] ?? "")
    }

    func list(_ request: Request, _ context: TandemContext, values: FormData?, error: AppError?) async throws -> Response {
        let canWrite = Self.writers.allows(context.identity)
        let attributes = try await store.visible(includeSensitive: PeopleAccess.canSeeSensitive(context.identity))
        let usage = try await store.usage()
        return Pages.render(request, context, title: "Custom attributes", status: error?.status ?? .ok) { page in
            AttributePages.list(page, attributes: attributes, usage: usage, canWrite: canWrite)
                + (canWrite ? AttributePages.form(page, attribute: nil, values: values, error: error) : [])
        }
    }

    func detail(_ request: Request, _ context: TandemContext, _ attribute: AttributeDefinition, values: FormData?, error: AppError?) async throws -> Response {
        let canWrite = Self.writers.allows(context.identity)
        let count = try await store.usage()[attribute.name] ?? 0
        let usedBy = try await users(attribute.name)
        return Pages.render(request, context, title: attribute.label, status: error?.status ?? .ok) { page in
            AttributePages.detail(page, attribute: attribute, count: count, usedBy: usedBy)
                + (canWrite ? AttributePages.form(page, attribute: attribute, values: values, error: error) : [])
        }
    }
}
