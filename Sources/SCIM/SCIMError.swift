public import Foundation
public import HTTPTypes
public import TandemCore

/// SCIM errors (RFC 7644 §3.12). They travel as `AppError` whose `code` is the `scimType`, so the
/// one error middleware renders them; under `/scim/` it writes the SCIM error body.
public enum SCIMError {
    public static let schema = "urn:ietf:params:scim:api:messages:2.0:Error"
    public static let contentType = "application/scim+json"

    /// The `scimType` values of RFC 7644 §3.12 table 9.
    public static let scimTypes: Set<String> = [
        "invalidFilter", "tooMany", "uniqueness", "mutability", "invalidSyntax", "invalidPath", "noTarget", "invalidValue", "invalidVers",
        "sensitive",
    ]

    public static func invalidFilter(_ detail: String) -> AppError { AppError(.badRequest, code: "invalidFilter", message: detail) }
    public static func invalidSyntax(_ detail: String) -> AppError { AppError(.badRequest, code: "invalidSyntax", message: detail) }
    public static func invalidValue(_ detail: String, field: String? = nil) -> AppError {
        AppError(.badRequest, code: "invalidValue", message: detail, field: field)
    }
    public static func invalidPath(_ detail: String) -> AppError { AppError(.badRequest, code: "invalidPath", message: detail) }
    public static func noTarget(_ detail: String) -> AppError { AppError(.badRequest, code: "noTarget", message: detail) }
    public static func mutability(_ detail: String) -> AppError { AppError(.badRequest, code: "mutability", message: detail) }
    public static func uniqueness(_ detail: String) -> AppError { AppError(.conflict, code: "uniqueness", message: detail) }
    public static func notFound(_ what: String, _ id: String) -> AppError {
        AppError(.notFound, code: "not_found", message: "\(what) \(id.prefix(80)) was not found.")
    }
    public static let preconditionFailed = AppError(
        .preconditionFailed, code: "precondition_failed",
        message: "The resource has changed since you read it (If-Match does not match its ETag). Read it again and retry.")

    /// Errors from shared rules (EmployeeRules answers 422 `invalid_field`) become SCIM's 400
    /// `invalidValue`; a duplicate becomes 409 `uniqueness`.
    public static func translate(_ error: AppError) -> AppError {
        switch (error.status, error.code) {
        case (.unprocessableContent, _): return invalidValue(error.message, field: error.field)
        case (.conflict, "conflict"): return uniqueness(error.message)
        default: return error
        }
    }

    /// The body for any error under `/scim/`: `status` is a string, `scimType` only when known.
    public static func body(for error: AppError) -> Data {
        var node = SCIMNode.object([("schemas", .array([.string(schema)])), ("status", .string(String(error.status.code)))])
        if scimTypes.contains(error.code) { node.set("scimType", .string(error.code)) }
        node.set("detail", .string(error.message))
        return node.encoded()
    }
}
