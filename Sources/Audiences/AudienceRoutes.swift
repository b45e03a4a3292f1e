public import SQLKit
public import Audit
public import Foundation
public import Hummingbird
public import TandemCore
public import TandemStore
import TandemUI
import People

/// Audiences: rules over HR data that Comms, Marketing and HR use to target people, and the
/// personas HR writes for them.
public struct AudiencesFeature: Sendable {
    public static let access: Access = .roles([.hr, .comms, .marketing])
    /// HR writes personas; Comms and Marketing read them when targeting.
    public static let personaWriters: Access = .roles([.hr])
    public static let migrations = AudienceMigrations.all
    public let counter: AudienceCounter
    public let store: AudienceStore
    public let personas: PersonaStore
    public let attributes: AttributeStore

    public init(database: Database, privacyThreshold: Int, usedElsewhere: @escaping @Sendable (Audience.ID, any SQLDatabase) async throws -> [String] = { _, _ in [] }) {
        counter = AudienceCounter(database: database, threshold: privacyThreshold)
        store = AudienceStore(database: database, usedElsewhere: usedElsewhere)
        personas = PersonaStore(database: database)
        attributes = AttributeStore(database: database)
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Audiences", "/audiences", Self.access), NavItem("Personas", "/personas", Self.access)])
        table.component("Audience", AudienceAPI.audience)
        table.component("Persona", AudienceAPI.persona)
        AudiencePageRoutes(feature: self).register(in: table)
        PersonaRoutes(feature: self).register(in: table)
        registerAPI(in: table)
    }

    static func seesSensitive(_ context: TandemContext) -> Bool { context.identity?.has(.hr) ?? false }

    static func actor(_ context: TandemContext) throws -> AuditActor {
        AuditActor(identity: try context.requireIdentity(), requestID: context.id)
    }

    static let ruleParameter = APIParameter("rule", in: .query, .string(minLength: 1, maxLength: RuleParser.maximumLength), required: true,
                                            description: "A rule such as: country in (\"US\",\"CA\") and hire_date >= today - 90d")

    static func rule(_ request: Request) throws -> String {
        guard let rule = request.query("rule"), !rule.trimmed.isEmpty else {
            throw AppError(.badRequest, code: "missing_parameter", message: "Give the rule as ?rule=…, e.g. country = \"US\".", field: "rule")
        }
        return rule
    }

    func json(_ audience: Audience, _ context: TandemContext) async throws -> AudienceAPI.AudienceJSON {
        AudienceAPI.AudienceJSON(audience: audience, size: try await counter.size(of: audience, seesSensitive: Self.seesSensitive(context)))
    }

    private func registerAPI(in table: RouteTable) {
        table.api(.get, "/api/v1/audiences/count", Self.access,
                  APIOperation(id: "countAudience", summary: "Size of the audience a rule selects, with a breakdown; small groups are suppressed for non-HR", tag: "Audiences",
                               parameters: [Self.ruleParameter], success: APIOperation.ok(AudienceAPI.countResult), errors: [400, 422])) { request, context in
            try Reply.json(try await counter.count(try Self.rule(request), seesSensitive: Self.seesSensitive(context)))
        }

        table.api(.get, "/api/v1/audiences/preview", Self.access,
                  APIOperation(id: "previewAudience", summary: "Count, breakdown, a sample of matching people and builder rows for a rule (the live rule builder)", tag: "Audiences",
                               parameters: [Self.ruleParameter], success: APIOperation.ok(AudienceAPI.preview), errors: [400, 422])) { request, context in
            let source = try Self.rule(request)
            let preview = try await counter.preview(source, seesSensitive: Self.seesSensitive(context))
            return try Reply.json(AudienceAPI.PreviewJSON(preview: preview, builder: RuleBuilder.rows(for: try RuleParser.parse(source, attributes: try await attributes.all()))))
        }

        table.api(.get, "/api/v1/audiences", Self.access,
                  APIOperation(id: "listAudiences", summary: "List saved audiences with their live sizes", tag: "Audiences", parameters: [.cursor, .limit],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Audience"))), Schema.Property("next_cursor", .nullable(.text), required: false)])),
                               errors: [400])) { request, context in
            let page = try await store.list(cursor: try Cursor.decode(request.query("cursor")), limit: try Cursor.limit(request.query("limit")))
            var items: [AudienceAPI.AudienceJSON] = []
            for audience in page.items { items.append(try await json(audience, context)) }
            return try Reply.json(AudienceAPI.List(data: items, nextCursor: page.nextCursor))
        }

        table.api(.post, "/api/v1/audiences", Self.access,
                  APIOperation(id: "createAudience", summary: "Save an audience: a rule, or a static list of employee ids", tag: "Audiences",
                               requestBody: AudienceAPI.audienceInput, success: APIOperation.created(.ref("Audience")), errors: [400, 409, 415, 422])) { request, context in
            let body = try await request.json(AudienceAPI.AudienceInput.self, context: context)
            let draft = try AudienceDraft.make(name: body.name, description: body.description, rule: body.rule, employeeIDs: body.employeeIds, attributes: try await attributes.all())
            let audience = try await store.create(draft, mayUseSensitive: Self.seesSensitive(context), by: try Self.actor(context))
            return try Reply.json(try await json(audience, context), status: .created)
        }

        table.api(.get, "/api/v1/audiences/{id}", Self.access,
                  APIOperation(id: "getAudience", summary: "One saved audience with its live size", tag: "Audiences", parameters: [.pathID()],
                               success: APIOperation.ok(.ref("Audience")), errors: [404])) { _, context in
            guard let audience = try await store.find(id: try context.pathID(what: "Audience")) else { throw AppError.notFound("Audience") }
            return try Reply.json(try await json(audience, context))
        }

        table.api(.put, "/api/v1/audiences/{id}", Self.access,
                  APIOperation(id: "updateAudience", summary: "Save a new version of an audience (earlier versions are kept)", tag: "Audiences",
                               parameters: [.pathID()], requestBody: AudienceAPI.audienceInput, success: APIOperation.ok(.ref("Audience")),
                               errors: [400, 404, 409, 415, 422])) { request, context in
            let id = try context.pathID(what: "Audience")
            let body = try await request.json(AudienceAPI.AudienceInput.self, context: context)
            let draft = try AudienceDraft.make(name: body.name, description: body.description, rule: body.rule, employeeIDs: body.employeeIds, attributes: try await attributes.all())
            let audience = try await store.update(id, draft, mayUseSensitive: Self.seesSensitive(context), by: try Self.actor(context))
            return try Reply.json(try await json(audience, context))
        }

        table.api(.delete, "/api/v1/audiences/{id}", Self.access,
                  APIOperation(id: "deleteAudience", summary: "Delete an audience no other audience or persona uses", tag: "Audiences",
                               parameters: [.pathID()], success: APIOperation.noContent, errors: [404, 409])) { _, context in
            try await store.delete(try context.pathID(what: "Audience"), mayUseSensitive: Self.seesSensitive(context), by: try Self.actor(context))
            return Reply.noContent()
        }

        table.api(.get, "/api/v1/audiences/{id}/versions", Self.access,
                  APIOperation(id: "listAudienceVersions", summary: "Every saved version of an audience, newest first", tag: "Audiences",
                               parameters: [.pathID()], success: APIOperation.ok(.object([Schema.Property("data", .array(AudienceAPI.version))])),
                               errors: [404])) { _, context in
            let id = try context.pathID(what: "Audience")
            guard try await store.find(id: id) != nil else { throw AppError.notFound("Audience") }
            struct Versions: Encodable { let data: [AudienceVersion] }
            return try Reply.json(Versions(data: try await store.versions(of: id)))
        }
    }
}
