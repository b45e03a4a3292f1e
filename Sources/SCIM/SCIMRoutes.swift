import Audit
import Foundation
import Hummingbird
import NIOCore
import TandemCore
import TandemStore

/// `/scim/v2/*` (RFC 7644). Thin: read the request, call `SCIMUsers`, write `application/scim+json`.
struct SCIMRoutes {
    let users: SCIMUsers
    let baseURL: String
    static let base = "/scim/v2"

    func register(in table: RouteTable) {
        let resource = SCIMUserSchema.resource
        table.scim(.get, Self.base + "/ServiceProviderConfig") { _, _ in
            Self.reply(SCIMDiscovery.serviceProviderConfig(baseURL: baseURL))
        }
        let resourceTypes = [SCIMDiscovery.userResourceType(baseURL: baseURL), SCIMDiscovery.groupResourceType(baseURL: baseURL)]
        table.scim(.get, Self.base + "/ResourceTypes") { _, _ in
            Self.reply(SCIMDiscovery.list(resourceTypes))
        }
        table.scim(.get, Self.base + "/ResourceTypes/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let type = resourceTypes.first(where: { $0["id"] == .string(id) }) else { throw SCIMError.notFound("Resource type", id) }
            return Self.reply(type)
        }
        let schemas = resource.all + [SCIMGroupSchema.core]
        table.scim(.get, Self.base + "/Schemas") { _, _ in
            Self.reply(SCIMDiscovery.list(schemas.map { SCIMDiscovery.schema($0, baseURL: baseURL) }))
        }
        table.scim(.get, Self.base + "/Schemas/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let schema = schemas.first(where: { $0.id.lowercased() == id.lowercased() }) else { throw SCIMError.notFound("Schema", id) }
            return Self.reply(SCIMDiscovery.schema(schema, baseURL: baseURL))
        }

        table.scim(.get, Self.base + "/Users") { request, _ in
            let query = try SCIMListQuery.read({ name in Self.parameter(request, name) }, resource: resource)
            return try await list(query)
        }
        table.scim(.post, Self.base + "/Users/.search") { request, context in
            let body = try await Self.body(request, context)
            guard let pairs = body.object else { throw SCIMError.invalidSyntax("A search must be a JSON object.") }
            for (key, _) in pairs where !["schemas", "filter", "sortby", "sortorder", "startindex", "count", "attributes", "excludedattributes"].contains(key.lowercased()) {
                throw SCIMError.invalidSyntax("'\(key.prefix(60))' is not a search parameter.")
            }
            let query = try SCIMListQuery.read({ name in Self.searchParameter(body[name]) }, resource: resource)
            return try await list(query)
        }
        table.scim(.post, Self.base + "/Users") { request, context in
            let user = try await Self.translating { try await users.create(try await Self.body(request, context), by: Self.actor(context)) }
            var response = Self.reply(users.render(user), status: .created, etag: user.etag)
            response.headers[.location] = "\(baseURL)\(Self.base)/Users/\(user.id)"
            return response
        }
        table.scim(.get, Self.base + "/Users/{id}") { request, context in
            let user = try await users.get(id: try Self.id(context))
            if let header = request.headers[.ifNoneMatch], SCIMETag.matches(header, user.etag) {
                return Response(status: .notModified, headers: [.eTag: user.etag])
            }
            let query = try SCIMListQuery.read({ name in Self.parameter(request, name) }, resource: resource)
            return Self.reply(SCIMProjection.apply(users.render(user), query, core: SCIMUserSchema.coreID), etag: user.etag)
        }
        table.scim(.put, Self.base + "/Users/{id}") { request, context in
            let user = try await Self.translating {
                try await users.replace(id: Self.id(context), try await Self.body(request, context), ifMatch: request.headers[.ifMatch], by: Self.actor(context))
            }
            return Self.reply(users.render(user), etag: user.etag)
        }
        table.scim(.patch, Self.base + "/Users/{id}") { request, context in
            let user = try await Self.translating {
                try await users.patch(id: Self.id(context), try await Self.body(request, context), ifMatch: request.headers[.ifMatch], by: Self.actor(context))
            }
            return Self.reply(users.render(user), etag: user.etag)
        }
        table.scim(.delete, Self.base + "/Users/{id}") { request, context in
            try await users.delete(id: try Self.id(context), ifMatch: request.headers[.ifMatch], by: Self.actor(context))
            return Response(status: .noContent)
        }
    }

    func list(_ query: SCIMListQuery) async throws -> Response {
        let page = try await users.list(query)
        let resources = page.resources.map { SCIMProjection.apply($0, query, core: SCIMUserSchema.coreID) }
        return Self.reply(SCIMDiscovery.list(resources, total: page.total, startIndex: query.startIndex))
    }

    // MARK: request and response helpers

    /// The id from the path; one that cannot exist (too long, NUL) is simply not found.
    static func id(_ context: TandemContext) throws -> String {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 100, !id.contains("\u{0}") else { throw SCIMError.notFound("Resource", String(id.prefix(20))) }
        return id
    }

    static func actor(_ context: TandemContext) throws -> AuditActor {
        AuditActor(identity: try context.requireIdentity(), requestID: context.id)
    }

    /// Query parameters by name, case-insensitively (RFC 7644 §3.4.2 names are case-insensitive).
    /// `+` means a space, as in form encoding (`filter=userName+eq+"a"`); a literal plus is `%2B`.
    static func parameter(_ request: Request, _ name: String) -> String? {
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding?.lowercased() == name.lowercased() else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
        }
        return nil
    }

    /// .search bodies carry numbers as numbers and lists as comma-separated strings or arrays.
    static func searchParameter(_ value: SCIMNode?) -> String? {
        switch value {
        case .string(let text)?: text
        case .number(let number)?: number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .array(let list)?: list.compactMap(\.string).joined(separator: ",")
        default: nil
        }
    }

    /// The JSON body; `application/scim+json` and `application/json` are accepted.
    static func body(_ request: Request, _ context: TandemContext) async throws -> SCIMNode {
        if let type = request.headers[.contentType]?.lowercased(), !type.hasPrefix("application/scim+json"), !type.hasPrefix("application/json") {
            throw AppError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send the body as application/scim+json (or application/json).")
        }
        let text = try await request.bodyText(context: context)
        // PostgreSQL cannot store NUL in text; refuse it here rather than fail later.
        if text.contains("\u{0}") || text.range(of: "\\u0000", options: .caseInsensitive) != nil {
            throw SCIMError.invalidValue("Text must not contain NUL characters (\\u0000).")
        }
        return try SCIMNode.parse(Data(text.utf8))
    }

    /// Rule errors from shared code (422 `invalid_field`) become SCIM's 400 `invalidValue`.
    static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as AppError { throw SCIMError.translate(error) } catch where StoreError.isUniqueViolation(error) {
            throw SCIMError.uniqueness("Another user has the same userName or employeeNumber.")
        }
    }

    static func reply(_ node: SCIMNode, status: HTTPResponse.Status = .ok, etag: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: SCIMError.contentType, .cacheControl: "no-store"]
        if let etag { headers[.eTag] = etag }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: node.encoded())))
    }
}
