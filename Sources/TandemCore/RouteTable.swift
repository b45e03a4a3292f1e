import Foundation
public import Hummingbird
import NIOCore

/// What kind of caller a route serves; decides how errors and sign-in are presented.
public enum RouteKind: String, Sendable {
    case page, api, ops, scim
}

/// One declared route: method, path, who may call it, and for the API its OpenAPI description.
public struct RouteSpec: Sendable {
    public let method: HTTPRequest.Method
    public let path: String
    public let access: Access
    public let kind: RouteKind
    public let operation: APIOperation?

    public var key: String { "\(method.rawValue) \(path)" }
}

/// Every route is added through this table, which checks the caller's access before the handler
/// runs and records the route so tests can enumerate routes × roles and the OpenAPI document.
public final class RouteTable {
    public typealias Handler = @Sendable (Request, TandemContext) async throws -> Response
    public let router: Router<TandemContext>
    public private(set) var specs: [RouteSpec] = []
    /// Schemas shared by several operations, emitted under components/schemas.
    public private(set) var components: [(String, Schema)] = []

    public init(router: Router<TandemContext>) {
        self.router = router
    }

    public func page(_ method: HTTPRequest.Method, _ path: String, _ access: Access, _ handler: @escaping Handler) {
        add(RouteSpec(method: method, path: path, access: access, kind: .page, operation: nil), handler)
    }

    public func ops(_ method: HTTPRequest.Method, _ path: String, _ access: Access, _ handler: @escaping Handler) {
        add(RouteSpec(method: method, path: path, access: access, kind: .ops, operation: nil), handler)
    }

    /// A SCIM 2.0 route (RFC 7644): JSON in the SCIM format, not part of the OpenAPI document.
    public func scim(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        add(RouteSpec(method: method, path: path, access: .scim, kind: .scim, operation: nil), handler)
    }

    /// Who refuses a body field the schema does not name.
    public enum FieldCheck: Sendable {
        /// The table, by parsing the body before the handler decodes it.
        case edge
        /// The handler's own decoder (`StrictKeys`), so a hot route parses its body once.
        case handler
    }

    public func api(
        _ method: HTTPRequest.Method, _ path: String, _ access: Access, _ operation: APIOperation,
        fields: FieldCheck = .edge, _ handler: @escaping Handler
    ) {
        // The documented body schema is enforced at the edge: a field the schema does not name
        // is refused (usually a typo that would otherwise be silently ignored).
        var checked = handler
        if fields == .edge, case .object(let properties, false)? = operation.requestBody {
            let known = Set(properties.map(\.name))
            let nullable = Set(properties.filter { if case .nullable = $0.schema { true } else { false } }.map(\.name))
            checked = { request, context in
                var request = request
                let buffer = try await request.collectBody(upTo: context.bodyLimit)
                // Parsed once for both checks (it showed in the beacon profile parsed twice).
                if let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] {
                    if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
                        throw AppError(.unprocessableContent, code: "unknown_field",
                                       message: "'\(unknown.prefix(60))' is not a field of this request. Known fields: \(known.sorted().joined(separator: ", ")).",
                                       field: String(unknown.prefix(60)))
                    }
                    if let null = object.keys.sorted().first(where: { object[$0] is NSNull && !nullable.contains($0) }) {
                        throw AppError(.unprocessableContent, code: "invalid_field", message: "'\(null)' must not be null; leave it out instead.", field: null)
                    }
                }
                return try await handler(request, context)
            }
        }
        add(RouteSpec(method: method, path: path, access: access, kind: .api, operation: operation), checked)
    }

    public func component(_ name: String, _ schema: Schema) {
        guard !components.contains(where: { $0.0 == name }) else { return }
        components.append((name, schema))
    }

    private func add(_ spec: RouteSpec, _ handler: @escaping Handler) {
        precondition(!specs.contains { $0.key == spec.key }, "route declared twice: \(spec.key)")
        specs.append(spec)
        let access = spec.access
        router.on(RouterPath(spec.path), method: spec.method) { request, context -> Response in
            guard access.allows(context.identity) else {
                throw context.identity == nil ? AppError.unauthenticated : AppError.forbidden
            }
            return try await handler(request, context)
        }
    }
}
