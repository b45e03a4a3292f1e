import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TandemCore

/// Every state-changing request made with cookies must carry the CSRF token, as the `_csrf`
/// form field or the `X-CSRF-Token` header. Signed-in users have a per-session token; forms
/// shown before sign-in use a double-submit cookie. Bearer-token calls carry no cookies and
/// need no token. Routes authorised by a signed token in their own path (one-click unsubscribe,
/// which mail programs POST without cookies, RFC 8058; engagement beacons, each event carrying a
/// signed token, sent by `navigator.sendBeacon`, which cannot add headers; a survey's personal links, `/s/`) are exempt: cookies grant nothing there,
/// so a forged request could do no more than the token already allows.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = TandemContext
    static let tokenPaths = ["/unsubscribe/", "/api/v1/events", "/s/"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        if Self.tokenPaths.contains(where: { request.uri.path.hasPrefix($0) }) { return try await next(request, context) }
        let expected: String
        if let identity = context.identity {
            guard let token = identity.csrfToken else { return try await next(request, context) }
            expected = token
        } else {
            // Anonymous API calls are refused by the route table with 401, not here.
            if request.uri.path.hasPrefix("/api/") || request.uri.path.hasPrefix("/scim/") { return try await next(request, context) }
            guard let cookie = request.cookies[Cookies.preSessionCSRF]?.value, cookie.count >= 32 else { throw AppError.csrf }
            expected = cookie
        }
        var request = request
        var supplied = request.headers[.csrfToken]
        if supplied == nil, request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: context.bodyLimit)
            } catch {
                throw AppError.tooLarge(limit: context.bodyLimit)
            }
            supplied = FormData(String(buffer: buffer))["_csrf"]
        } else if supplied == nil, request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true {
            let buffer: ByteBuffer
            do { buffer = try await request.collectBody(upTo: context.bodyLimit) } catch { throw AppError.tooLarge(limit: context.bodyLimit) }
            supplied = try MultipartForm.parse(buffer, contentType: request.headers[.contentType] ?? "")["_csrf"]
        }
        guard let supplied, Secrets.constantTimeEquals(supplied, expected) else { throw AppError.csrf }
        return try await next(request, context)
    }
}

/// A user whose password was set by an admin must choose their own before using Tandem.
struct PasswordChangeGate: RouterMiddleware {
    typealias Context = TandemContext
    static let allowed: Set<String> = ["/account/password", "/logout", "/static/tandem.css", "/static/tandem.js"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let identity = context.identity, identity.mustChangePassword, identity.isSession, !Self.allowed.contains(request.uri.path) {
            if request.uri.path.hasPrefix("/api/") {
                throw AppError(.forbidden, code: "password_change_required", message: "Change your password at /account/password before using Tandem.")
            }
            return Reply.redirect("/account/password")
        }
        return try await next(request, context)
    }
}
