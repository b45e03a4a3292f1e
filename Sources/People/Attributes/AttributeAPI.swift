import Foundation
import TandemCore

enum AttributeAPI {
    static let namePattern = "^[a-z][a-z0-9_]{0,39}$"
    static let nameParameter = APIParameter("name", in: .path, .string(minLength: 1, maxLength: 40, pattern: namePattern), description: "The attribute's name (as in attr.NAME).")

    static let attribute = Schema.object([
        Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("field", .text, description: "How rules and CSV columns name it: attr.NAME."),
        Schema.Property("label", .text), Schema.Property("kind", .enumeration(AttributeKind.allCases.map(\.rawValue))),
        Schema.Property("options", .array(.text), description: "Allowed values of a list attribute."),
        Schema.Property("hr_only", .boolean), Schema.Property("description", .text),
        Schema.Property("employees_with_value", .integer(minimum: 0)),
        Schema.Property("updated_by", .text), Schema.Property("updated_at", .dateTime),
    ])

    static let input = Schema.object([
        Schema.Property("name", .string(minLength: 1, maxLength: 40, pattern: namePattern), required: false, description: "Required when defining; fixed afterwards."),
        Schema.Property("label", .string(minLength: 1, maxLength: 80), required: false),
        Schema.Property("kind", .enumeration(AttributeKind.allCases.map(\.rawValue)), required: false, description: "Required when defining; fixed afterwards."),
        Schema.Property("options", .array(.string(minLength: 1, maxLength: 80), maxItems: AttributeRules.maximumOptions), required: false),
        Schema.Property("hr_only", .boolean, required: false), Schema.Property("description", .string(maxLength: 500), required: false),
    ])

    struct Input: Decodable {
        let name: String?
        let label: String?
        let kind: String?
        let options: [String]?
        let hrOnly: Bool?
        let description: String?
    }

    struct AttributeJSON: Encodable {
        let id: Int64
        let name: String
        let field: String
        let label: String
        let kind: AttributeKind
        let options: [String]
        let hrOnly: Bool
        let description: String
        let employeesWithValue: Int
        let updatedBy: String
        let updatedAt: Date

        init(_ a: AttributeDefinition, count: Int) {
            id = a.id
            name = a.name
            field = a.fieldName
            label = a.label
            kind = a.kind
            options = a.options
            hrOnly = a.sensitive
            description = a.description
            employeesWithValue = count
            updatedBy = a.updatedBy
            updatedAt = a.updatedAt
        }
    }

    static func kind(_ raw: String?, existing: AttributeDefinition?) throws -> AttributeKind {
        guard let raw else {
            if let existing { return existing.kind }
            throw AppError.invalid("kind", "Choose the type: \(AttributeKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard let kind = AttributeKind(rawValue: raw) else {
            throw AppError.invalid("kind", "The type must be one of \(AttributeKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return kind
    }
}
