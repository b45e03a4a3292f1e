import Foundation
import HTTPTypes
import Hummingbird
import TandemCore

/// Headers every response carries: a CSP with no inline script or style, no framing, no MIME
/// sniffing, and HSTS when served over HTTPS. Also echoes the request id for support.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = TandemContext
    let https: Bool

    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.frameOptions] = "DENY"
        response.headers[.referrer] = "same-origin"
        response.headers[.requestID] = context.id
        if https { response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        return response
    }
}

/// Applies per-request settings from the configuration.
struct RequestSettingsMiddleware: RouterMiddleware {
    typealias Context = TandemContext
    let bodyLimit: Int
    let secureCookies: Bool
    let trustProxy: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.bodyLimit = bodyLimit
        context.secureCookies = secureCookies
        if trustProxy, let forwarded = request.headers[.forwardedFor]?.split(separator: ",").first {
            context.remoteAddress = try? .init(ipAddress: forwarded.trimmed, port: 0)
        }
        if let query = request.uri.query, query.range(of: "%00", options: .caseInsensitive) != nil {
            throw AppError(.badRequest, code: "invalid_text", message: "The address must not contain NUL characters (%00).")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > bodyLimit {
            throw AppError.tooLarge(limit: bodyLimit)
        }
        return try await next(request, context)
    }
}
