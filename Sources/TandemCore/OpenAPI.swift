/// The pieces of an OpenAPI 3.1 operation that each feature declares next to its handler.
public indirect enum Schema: Sendable {
    case string(format: String? = nil, minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil)
    case enumeration([String])
    case integer(minimum: Int? = nil, maximum: Int? = nil)
    case number
    case boolean
    case array(Schema, maxItems: Int? = nil, minItems: Int? = nil)
    case object([Property], additionalProperties: Bool = false)
    /// An object whose keys are free (names) and whose values all follow one schema.
    case map(Schema)
    case nullable(Schema)
    case ref(String)

    public struct Property: Sendable {
        public let name: String
        public let schema: Schema
        public let required: Bool
        public let description: String?
        public init(_ name: String, _ schema: Schema, required: Bool = true, description: String? = nil) {
            self.name = name
            self.schema = schema
            self.required = required
            self.description = description
        }
    }

    public static let text = Schema.string()
    /// One line of text: no control characters (see `TextRules`).
    public static func line(_ range: ClosedRange<Int>) -> Schema {
        .string(minLength: range.lowerBound, maxLength: range.upperBound, pattern: TextRules.singleLinePattern)
    }
    public static let id = Schema.integer(minimum: 1)
    public static let dateTime = Schema.string(format: "date-time")

    public var json: JSONValue {
        switch self {
        case .string(let format, let minLength, let maxLength, let pattern):
            var pairs: [(String, JSONValue)] = [("type", "string")]
            if let format { pairs.append(("format", .string(format))) }
            if let minLength { pairs.append(("minLength", .number(Double(minLength)))) }
            if let maxLength { pairs.append(("maxLength", .number(Double(maxLength)))) }
            if let pattern { pairs.append(("pattern", .string(pattern))) }
            return .object(pairs)
        case .enumeration(let values):
            return .object([("type", "string"), ("enum", .array(values.map { .string($0) }))])
        case .integer(let minimum, let maximum):
            var pairs: [(String, JSONValue)] = [("type", "integer")]
            if let minimum { pairs.append(("minimum", .number(Double(minimum)))) }
            if let maximum { pairs.append(("maximum", .number(Double(maximum)))) }
            return .object(pairs)
        case .number: return .object([("type", "number")])
        case .boolean: return .object([("type", "boolean")])
        case .array(let items, let maxItems, let minItems):
            var pairs: [(String, JSONValue)] = [("type", "array"), ("items", items.json)]
            if let maxItems { pairs.append(("maxItems", .number(Double(maxItems)))) }
            if let minItems { pairs.append(("minItems", .number(Double(minItems)))) }
            return .object(pairs)
        case .object(let properties, let additional):
            var pairs: [(String, JSONValue)] = [
                ("type", "object"),
                ("properties", .object(properties.map { property in
                    var schema = property.schema.json
                    if let description = property.description, case .object(var inner) = schema {
                        inner.append(("description", .string(description)))
                        schema = .object(inner)
                    }
                    return (property.name, schema)
                })),
            ]
            let required = properties.filter(\.required).map { JSONValue.string($0.name) }
            if !required.isEmpty { pairs.append(("required", .array(required))) }
            pairs.append(("additionalProperties", .bool(additional)))
            return .object(pairs)
        case .map(let values):
            return .object([("type", "object"), ("additionalProperties", values.json)])
        case .nullable(let inner):
            return .object([("oneOf", .array([inner.json, .object([("type", "null")])]))])
        case .ref(let name):
            return .object([("$ref", .string("#/components/schemas/\(name)"))])
        }
    }
}

public struct APIParameter: Sendable {
    public enum Location: String, Sendable { case path, query }
    public let name: String
    public let location: Location
    public let schema: Schema
    public let required: Bool
    public let description: String

    public init(_ name: String, in location: Location, _ schema: Schema, required: Bool = false, description: String) {
        self.name = name
        self.location = location
        self.schema = schema
        self.required = location == .path ? true : required
        self.description = description
    }

    public static let cursor = APIParameter("cursor", in: .query, .string(pattern: Cursor.pattern), description: "The `next_cursor` of the previous page.")
    public static let limit = APIParameter("limit", in: .query, .integer(minimum: 1, maximum: 200), description: "Page size, 1–200 (default 50).")
    public static func pathID(_ name: String = "id") -> APIParameter {
        APIParameter(name, in: .path, .integer(minimum: 1), description: "Identifier.")
    }
}

public struct APIOperation: Sendable {
    public let id: String
    public let summary: String
    public let tag: String
    public let parameters: [APIParameter]
    public let requestBody: Schema?
    public let requestContentType: String
    /// The success status and the schema of its body (nil for no body).
    public let success: (status: Int, schema: Schema?, contentType: String)
    /// Client errors this operation can answer with, besides 401/403 which follow from its access.
    public let errors: [Int]

    public init(
        id: String, summary: String, tag: String, parameters: [APIParameter] = [], requestBody: Schema? = nil,
        requestContentType: String = "application/json", success: (status: Int, schema: Schema?, contentType: String), errors: [Int] = []
    ) {
        self.requestContentType = requestContentType
        self.id = id
        self.summary = summary
        self.tag = tag
        self.parameters = parameters
        self.requestBody = requestBody
        self.success = success
        self.errors = errors
    }

    public static func ok(_ schema: Schema) -> (status: Int, schema: Schema?, contentType: String) {
        (200, schema, "application/json")
    }

    public static func created(_ schema: Schema) -> (status: Int, schema: Schema?, contentType: String) {
        (201, schema, "application/json")
    }

    public static let noContent: (status: Int, schema: Schema?, contentType: String) = (204, nil, "")
}
