public import Foundation
public import Hummingbird
public import TandemCore

/// Turns a view into a response: picks the CSRF token, reads and clears the flash cookie.
public enum Pages {
    public static func context(_ request: Request, _ context: TandemContext) -> (PageContext, [Cookie]) {
        var cookies: [Cookie] = []
        let token: String
        if let sessionToken = context.identity?.csrfToken {
            token = sessionToken
        } else if let existing = request.cookies[Cookies.preSessionCSRF]?.value, existing.count >= 32 {
            token = existing
        } else {
            token = Secrets.token(bytes: 24)
            cookies.append(Cookies.make(Cookies.preSessionCSRF, token, maxAge: nil, context: context))
        }
        var flash: Flash?
        if let raw = request.cookies[Cookies.flash]?.value {
            flash = decodeFlash(raw)
            cookies.append(Cookies.clear(Cookies.flash, context: context))
        }
        return (PageContext(identity: context.identity, csrfToken: token, path: request.uri.path, flash: flash), cookies)
    }

    public static func render(
        _ request: Request, _ context: TandemContext, title: String, status: HTTPResponse.Status = .ok,
        flash override: Flash? = nil, _ content: (PageContext) -> [HTMLNode]
    ) -> Response {
        var (page, cookies) = Self.context(request, context)
        if let override { page.flash = override }
        var response = Reply.html(Layout.render(title: title, context: page, content: content(page)), status: status)
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// Like `render`, for content that is already HTML.
    public static func render(_ request: Request, _ context: TandemContext, title: String, html: String) -> Response {
        let (page, cookies) = Self.context(request, context)
        var response = Reply.html(Layout.render(title: title, context: page, html: html))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// Redirect after a successful post, carrying a one-line message to the next page.
    public static func redirect(_ location: String, flash: Flash?, context: TandemContext) -> Response {
        var response = Reply.redirect(location)
        if let flash {
            response.setCookie(Cookies.make(Cookies.flash, encodeFlash(flash), maxAge: 60, context: context))
        }
        return response
    }

    static func encodeFlash(_ flash: Flash) -> String {
        flash.kind.rawValue + "." + Data(flash.message.utf8).base64URLEncoded
    }

    static func decodeFlash(_ raw: String) -> Flash? {
        let parts = raw.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let kind = Flash.Kind(rawValue: String(parts[0])),
            let data = Data(base64URLEncoded: String(parts[1])), let message = String(data: data, encoding: .utf8)
        else { return nil }
        return Flash(kind, String(message.prefix(300)))
    }
}
