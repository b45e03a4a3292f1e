import TandemCore

/// Builds the OpenAPI 3.1 document from the route table: each API route carries its own
/// operation, so the document cannot describe a route that does not exist.
enum OpenAPIDocument {
    static func build(from table: RouteTable, version: String) -> JSONValue {
        var paths: [(String, JSONValue)] = []
        for spec in table.specs where spec.kind == .api {
            guard let operation = spec.operation else { continue }
            let entry = (spec.method.rawValue.lowercased(), self.operation(operation, access: spec.access))
            if let index = paths.firstIndex(where: { $0.0 == spec.path }), case .object(var methods) = paths[index].1 {
                methods.append(entry)
                paths[index].1 = .object(methods)
            } else {
                paths.append((spec.path, .object([entry])))
            }
        }
        var schemas: [(String, JSONValue)] = [("Error", errorSchema.json)]
        schemas += table.components.map { ($0.0, $0.1.json) }
        return .object([
            ("openapi", "3.1.0"),
            ("info", .object([
                ("title", "Tandem API"), ("version", .string(version)),
                ("description", "Workforce communications for HR, Internal Communications and Marketing. Authenticate with a personal API token: 'Authorization: Bearer <token>'. Lists use cursor pagination (limit, cursor → next_cursor). Errors are {\"error\":{\"code\",\"message\",\"field\"}}."),
            ])),
            ("servers", .array([.object([("url", "/")])])),
            ("paths", .object(paths)),
            ("components", .object([
                ("schemas", .object(schemas)),
                ("securitySchemes", .object([
                    ("bearerAuth", .object([("type", "http"), ("scheme", "bearer")])),
                    // Employees have no API tokens: their feed calls carry the session cookie
                    // from a magic-link sign-in (and X-CSRF-Token on writes).
                    ("employeeSession", .object([("type", "apiKey"), ("in", "cookie"), ("name", .string(Cookies.session))])),
                ])),
            ])),
        ])
    }

    static let errorSchema = Schema.object([
        Schema.Property("error", .object([
            Schema.Property("code", .text), Schema.Property("message", .text), Schema.Property("field", .nullable(.text), required: false),
        ]))
    ])

    static func operation(_ op: APIOperation, access: Access) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("operationId", .string(op.id)), ("summary", .string(op.summary)), ("tags", .array([.string(op.tag)])),
            ("description", .string("Who may call: \(access.summary).")),
        ]
        if !op.parameters.isEmpty {
            pairs.append(("parameters", .array(op.parameters.map { parameter in
                .object([
                    ("name", .string(parameter.name)), ("in", .string(parameter.location.rawValue)),
                    ("required", .bool(parameter.required)), ("description", .string(parameter.description)), ("schema", parameter.schema.json),
                ])
            })))
        }
        if let body = op.requestBody {
            pairs.append(("requestBody", .object([
                ("required", true), ("content", .object([(op.requestContentType, .object([("schema", body.json)]))])),
            ])))
        }
        var responses: [(String, JSONValue)] = []
        if let schema = op.success.schema {
            responses.append((String(op.success.status), .object([
                ("description", "Success"), ("content", .object([(op.success.contentType, .object([("schema", schema.json)]))])),
            ])))
        } else {
            responses.append((String(op.success.status), .object([("description", "Success")])))
        }
        var errors = op.errors
        if access != .anyone { errors += [401] }
        if case .roles = access { errors += [403] }
        if access == .employee { errors += [403] }
        if op.requestBody != nil { errors += [413] }
        for status in Set(errors).sorted() {
            responses.append((String(status), .object([
                ("description", .string(description(status))),
                ("content", .object([("application/json", .object([("schema", .object([("$ref", "#/components/schemas/Error")]))]))])),
            ])))
        }
        pairs.append(("responses", .object(responses)))
        if access == .employee {
            pairs.append(("security", .array([.object([("employeeSession", .array([]))])])))
        } else if access != .anyone {
            pairs.append(("security", .array([.object([("bearerAuth", .array([]))])])))
        }
        return .object(pairs)
    }

    static func description(_ status: Int) -> String {
        switch status {
        case 400: "The request is malformed (bad JSON, parameter or cursor)"
        case 401: "No valid API token"
        case 403: "The caller's roles do not allow this"
        case 404: "Not found"
        case 409: "Conflicts with existing data"
        case 413: "Body larger than the configured limit"
        case 415: "Body is not JSON"
        case 422: "A field is invalid; 'field' names it"
        case 429: "Too many requests; see Retry-After"
        default: "Error"
        }
    }
}
