public import Hummingbird

/// Cookie names and attributes in one place: HttpOnly, SameSite=Lax, Secure behind HTTPS.
public enum Cookies {
    public static let session = "tandem_session"
    /// Double-submit token protecting forms shown before sign-in (login, first-run setup).
    public static let preSessionCSRF = "tandem_csrf"
    public static let flash = "tandem_flash"

    public static func make(_ name: String, _ value: String, maxAge: Int?, context: TandemContext) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: context.secureCookies, httpOnly: true, sameSite: .lax)
    }

    public static func clear(_ name: String, context: TandemContext) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: context.secureCookies, httpOnly: true, sameSite: .lax)
    }
}
