public import HTTPTypes

/// A failure that should reach the caller as a clear sentence, with a stable code for programs.
/// The error middleware renders it as `{"error":{"code","message","field"}}` or as an HTML page.
public struct AppError: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let field: String?
    /// Seconds the caller should wait before retrying (429/503).
    public let retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    public static func invalid(_ field: String, _ message: String) -> AppError {
        AppError(.unprocessableContent, code: "invalid_field", message: message, field: field)
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> AppError {
        AppError(.badRequest, code: code, message: message)
    }

    public static func notFound(_ what: String) -> AppError {
        AppError(.notFound, code: "not_found", message: "\(what) was not found.")
    }

    public static func conflict(_ message: String, field: String? = nil) -> AppError {
        AppError(.conflict, code: "conflict", message: message, field: field)
    }

    public static let unauthenticated = AppError(
        .unauthorized, code: "unauthenticated",
        message: "Sign in first, or send a valid API token as 'Authorization: Bearer <token>'.")

    public static let forbidden = AppError(
        .forbidden, code: "forbidden", message: "Your roles do not allow this. Ask an admin if you need access.")

    public static let csrf = AppError(
        .forbidden, code: "csrf_failed",
        message: "The form was missing its security token or it had expired. Reload the page and try again.")

    public static func tooLarge(limit: Int) -> AppError {
        AppError(
            .contentTooLarge, code: "body_too_large",
            message: "The request body is larger than the \(limit / 1_048_576) MB limit. Send less data or raise TANDEM_MAX_BODY_MB.")
    }
}
