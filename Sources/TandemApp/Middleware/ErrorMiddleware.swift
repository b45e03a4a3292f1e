import Foundation
import Hummingbird
import Logging
import NIOCore
import SCIM
import TandemCore
import TandemStore
import TandemUI

/// Turns every failure into a clear answer: JSON `{"error":{…}}` for API callers, an HTML page
/// for browsers, a sign-in redirect when a page needs a session. Unexpected errors are logged
/// with the request id and never leak details.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = TandemContext
    let routes: RouteIndex

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var appError = Self.appError(for: error, context: context)
            var allow: [HTTPRequest.Method] = []
            if appError.status == .notFound, error is HTTPError {
                allow = routes.methods(for: request.uri.path)
                if !allow.isEmpty {
                    appError = AppError(.methodNotAllowed, code: "method_not_allowed", message: "\(request.method.rawValue) is not allowed here. Use \(allow.map(\.rawValue).joined(separator: " or ")).")
                }
            }
            if appError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            }
            if request.uri.path.hasPrefix("/scim/") {
                // RFC 7644 §3.12: the SCIM error body, status as a string, scimType when known.
                switch appError.status {
                case .unauthorized:
                    appError = AppError(.unauthorized, code: appError.code, message: "Send a valid SCIM token as 'Authorization: Bearer tdm_scim_…'; an admin creates one under Admin → SCIM.")
                case .forbidden:
                    appError = AppError(.forbidden, code: appError.code, message: "Only SCIM tokens may use /scim/v2; personal API tokens and browser sessions may not.")
                case .badRequest where appError.code == "invalid_text":
                    appError = SCIMError.invalidValue(appError.message)
                default: break
                }
                var response = Response(
                    status: appError.status, headers: [.contentType: SCIMError.contentType, .cacheControl: "no-store"],
                    body: .init(byteBuffer: ByteBuffer(data: SCIMError.body(for: appError))))
                if appError.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"tandem-scim\"" }
                if !allow.isEmpty { response.headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
                return response
            }
            if Self.wantsJSON(request) {
                var response = try Reply.json(ErrorBody(error: .init(code: appError.code, message: appError.message, field: appError.field)), status: appError.status)
                if appError.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"tandem\"" }
                if let wait = appError.retryAfter { response.headers[.retryAfter] = String(wait) }
                if !allow.isEmpty { response.headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
                return response
            }
            if appError.status == .unauthorized, request.method == .get {
                // Employees sign in by magic link, staff by password.
                if request.uri.path == "/feed" || request.uri.path.hasPrefix("/feed/") { return Reply.redirect("/signin") }
                let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return Reply.redirect("/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
            }
            var response = Pages.render(request, context, title: Self.title(appError.status), status: appError.status) { _ in
                [UI.heading(Self.title(appError.status)), el("p", text: appError.message),
                 el("p", [], [link("Go to the start page", "/")]),
                 el("p", [("class", "hint")], text: "Request id: \(context.id)")]
            }
            if let wait = appError.retryAfter { response.headers[.retryAfter] = String(wait) }
            return response
        }
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable { let code: String; let message: String; let field: String? }
        let error: Detail
    }

    static func wantsJSON(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.hasPrefix("/api/") || path.hasPrefix("/scim/") || path == "/readyz" || path == "/healthz" { return true }
        let accept = request.headers[.accept] ?? ""
        return accept.contains("application/json") && !accept.contains("text/html")
    }

    static func title(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400, 422: "Please check what you entered"
        case 401: "Please sign in"
        case 403: "Not allowed"
        case 404: "Page not found"
        case 413: "Too much data"
        case 429: "Please wait a moment"
        case 500...: "Something went wrong"
        default: status.reasonPhrase
        }
    }

    static func appError(for error: any Error, context: Context) -> AppError {
        switch error {
        case let error as AppError:
            return error
        case let error as HTTPError:
            switch error.status {
            case .notFound: return AppError(.notFound, code: "not_found", message: "There is nothing at this address. Check the link or go back to the start page.")
            case .methodNotAllowed: return AppError(.methodNotAllowed, code: "method_not_allowed", message: "This address does not accept that method.")
            case .contentTooLarge: return .tooLarge(limit: context.bodyLimit)
            default:
                return AppError(error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"), message: error.body ?? error.status.reasonPhrase)
            }
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return .tooLarge(limit: context.bodyLimit)
        case let error where StoreError.isUniqueViolation(error):
            return .conflict("Someone else created the same thing at the same moment. Reload and check before trying again.")
        default:
            return AppError(
                .internalServerError, code: "internal_error",
                message: "Something went wrong on our side and nothing was changed. Try again; if it keeps failing, give your admin the request id \(context.id).")
        }
    }
}
