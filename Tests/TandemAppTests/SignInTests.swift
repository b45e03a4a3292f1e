import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemApp
import TandemCore
import Testing

@Suite("Signing in and out in the browser")
struct SignInTests {
    @Test("sign in with CSRF, see the home page, sign out")
    func roundTrip() async throws {
        try await withApp { client, services in
            try await services.user("hana@example.com", [.hr, .comms])
            let browser = Browser(client)
            let redirect = try await browser.request("/")
            #expect(redirect.status == .seeOther)
            #expect(redirect.headers[.location] == "/login?next=%2F")
            let signedIn = try await browser.signIn("Hana@Example.com")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("tandem_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            let home = try await browser.request("/")
            #expect(home.status == .ok)
            #expect(String(buffer: home.body).contains("Hello, hana"))
            let out = try await browser.post("/logout", form: [], csrfFrom: "/")
            #expect(out.status == .seeOther && out.headers[.location] == "/login")
            #expect(try await browser.request("/").status == .seeOther)
        }
    }

    @Test("a wrong password shows a clear error and no session")
    func wrongPassword() async throws {
        try await withApp { client, services in
            try await services.user("ana@example.com", [.analyst])
            let browser = Browser(client)
            let response = try await browser.signIn("ana@example.com", password: "not the password")
            #expect(response.status == .unauthorized)
            #expect(String(buffer: response.body).contains("The email or password is not right"))
            #expect(browser.cookies["tandem_session"] == nil)
        }
    }

    @Test("a sign-in form without its CSRF token is refused")
    func missingCSRF() async throws {
        try await withApp { client, services in
            try await services.user("ana@example.com", [.analyst])
            let response = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: encode([("email", "ana@example.com"), ("password", staffPassword)])))
            #expect(response.status == .forbidden)
            #expect(String(buffer: response.body).contains("security token"))
        }
    }

    @Test("a signed-in form post with a forged CSRF token is refused and changes nothing")
    func forgedCSRF() async throws {
        try await withApp { client, services in
            try await services.user("root@example.com", [.admin])
            let browser = Browser(client)
            _ = try await browser.signIn("root@example.com")
            let response = try await browser.request(
                "/admin/teams", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: encode([("_csrf", "forged"), ("name", "Evil")]))
            #expect(response.status == .forbidden)
            #expect(try await services.accounts.teams.all().isEmpty)
            let ok = try await browser.post("/admin/teams", form: [("name", "Marketing")], csrfFrom: "/admin/teams")
            #expect(ok.status == .seeOther)
            #expect(try await services.accounts.teams.all().map(\.name) == ["Marketing"])
        }
    }

    @Test("a user with an admin-set password must change it before anything else")
    func mustChangePassword() async throws {
        try await withApp { client, services in
            try await services.user("new@example.com", [.comms], mustChange: true)
            let browser = Browser(client)
            let signedIn = try await browser.signIn("new@example.com")
            #expect(signedIn.headers[.location] == "/account/password")
            #expect(try await browser.request("/").headers[.location] == "/account/password")
            let api = try await browser.request("/api/v1/me")
            #expect(try api.status == .forbidden && (errorCode(api)) == "password_change_required")
            let mismatch = try await browser.post("/account/password", form: [
                ("current_password", staffPassword), ("new_password", "a brand new phrase"), ("new_password_confirmation", "something else"),
            ], csrfFrom: "/account/password")
            #expect(mismatch.status == .unprocessableContent)
            let changed = try await browser.post("/account/password", form: [
                ("current_password", staffPassword), ("new_password", "a brand new phrase"), ("new_password_confirmation", "a brand new phrase"),
            ], csrfFrom: "/account/password")
            #expect(changed.status == .seeOther && changed.headers[.location] == "/account")
            #expect(try await browser.request("/").status == .ok)
        }
    }

    @Test("first-run setup link creates the admin and signs them in, once")
    func setup() async throws {
        try await withApp { client, services in
            let token = try #require(try await services.accounts.setup.prepare())
            let browser = Browser(client)
            #expect(try await browser.request("/setup?token=wrong").status == .notFound)
            let form = [("token", token), ("display_name", "Root"), ("email", "root@example.com"), ("password", "a long admin phrase"), ("password_confirmation", "a long admin phrase")]
            let done = try await browser.post("/setup", form: form, csrfFrom: "/setup?token=\(token)")
            #expect(done.status == .seeOther)
            #expect(String(buffer: try await browser.request("/").body).contains("Hello, Root"))
            let again = try await Browser(client).post("/setup", form: form)
            #expect(again.status == .notFound)
            #expect(try await services.accounts.users.count() == 1)
        }
    }

    @Test("user-supplied names are escaped in pages")
    func escaping() async throws {
        try await withApp { client, services in
            try await services.user("root@example.com", [.admin])
            let admin = try await services.accounts.users.find(email: "root@example.com")!
            _ = try await services.accounts.users.update(admin.id, .init(displayName: "<script>alert(1)</script>"), by: .system)
            let browser = Browser(client)
            _ = try await browser.signIn("root@example.com")
            let html = String(buffer: try await browser.request("/admin/users").body)
            #expect(!html.contains("<script>alert(1)</script>"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }
}
