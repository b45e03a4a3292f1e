import TandemCore
import Testing

@testable import TandemUI

@Suite("Layout and escaping")
struct LayoutTests {
    @Test("escapes the five HTML-significant characters and leaves the rest alone")
    func escape() {
        #expect(Escape.html(#"<a href="x">Tom & 'Jerry'</a>"#) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        #expect(Escape.html("Ünïcödé 👋 plain") == "Ünïcödé 👋 plain")
    }

    @Test("the shell escapes user-controlled text and shows navigation by role")
    func shell() {
        Layout.register([NavItem("Users", "/admin/users", .only(.admin)), NavItem("People", "/people", .roles([.hr, .comms]))])
        let identity = Identity(userID: 1, email: "x@y.z", displayName: "<img src=x onerror=alert(1)>", roles: [.comms], mustChangePassword: false,
                                credential: .session(id: "s", csrfToken: "tok\"en"))
        let page = PageContext(identity: identity, csrfToken: "tok\"en", path: "/people", flash: Flash(.error, "<b>bad</b>"))
        let html = Layout.render(title: "A & B", context: page, content: [el("p", text: "<script>")])
        #expect(html.hasPrefix("<!DOCTYPE html><html lang=\"en\">"))
        #expect(html.contains("<title>A &amp; B · Tandem</title>"))
        #expect(!html.contains("<img src=x") && html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("value=\"tok&quot;en\""))
        #expect(html.contains("&lt;b&gt;bad&lt;/b&gt;") && html.contains("role=\"alert\""))
        #expect(html.contains("&lt;script&gt;"))
        #expect(html.contains(#"<a href="/people" aria-current="page">People</a>"#))
        #expect(!html.contains("/admin/users"), "comms must not see admin navigation")
        #expect(html.hasSuffix("</main></body></html>"))
    }

    @Test("anonymous pages have no navigation and no sign-out")
    func anonymous() {
        let html = Layout.render(title: "Sign in", context: PageContext(identity: nil, csrfToken: "t", path: "/login"), content: [])
        #expect(html.contains("<nav aria-label=\"Main\"><ul></ul></nav>"))
        #expect(!html.contains("Sign out"))
    }
}
