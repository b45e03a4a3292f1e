import Feed
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Employees sign in with a password they set themselves")
struct EmployeePasswordHTTPTests {
    @Test("set after a link sign-in, checked like staff passwords, limited after 5 failures, removable; unknown people get the same answer",
          arguments: TestDatabase.kinds)
    func passwords(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            var people = DemoPeople.generate(count: 2, today: EmployeeRules.today())
            for index in people.indices {
                people[index].workEmail = "pat\(index)@example.com"
                people[index].mobilePhone = "+4477009002\(10 + index)"
                people[index].terminationDate = nil
            }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let employee = try #require(try await services.feed.links.recipient(for: .email("pat0@example.com"))).employeeID
            let session = try await services.feed.sessions.create(employeeID: employee, via: "test", requestID: nil)
            let owner = Browser(client)
            owner.setCookie("tandem_session", session.token)

            #expect(String(buffer: try await owner.request("/feed/account").body).contains("You sign in with a link"))
            let differ = try await owner.post("/feed/account/password", form: [("password", "correct horse battery"), ("confirmation", "correct horse batterx")], csrfFrom: "/feed/account")
            #expect(differ.status == .unprocessableContent && String(buffer: differ.body).contains("differ"))
            let short = try await owner.post("/feed/account/password", form: [("password", "short"), ("confirmation", "short")], csrfFrom: "/feed/account")
            #expect(short.status == .unprocessableContent && String(buffer: short.body).contains("at least 10"))
            #expect(try await services.feed.passwords.hasPassword(employee) == false, "nothing saved by bad input")
            let set = try await owner.post("/feed/account/password", form: [("password", "correct horse battery"), ("confirmation", "correct horse battery")], csrfFrom: "/feed/account")
            #expect(set.status == .seeOther)
            let stored = try await services.database.reader.raw("SELECT hash FROM employee_passwords WHERE employee_id = \(bind: employee)").first()?
                .decode(column: "hash", as: String.self)
            #expect(stored?.hasPrefix("$2") == true && stored?.contains("horse") == false, "bcrypt, not the password")

            // Sign in on another device, with the address in other letter case or the mobile number.
            let phone = Browser(client)
            #expect(String(buffer: try await phone.request("/signin").body).contains("Or sign in with your password"))
            let wrong = try await phone.post("/signin/password", form: [("identifier", "pat0@example.com"), ("password", "wrong horse battery")], csrfFrom: "/signin")
            let unknown = try await phone.post("/signin/password", form: [("identifier", "nobody@example.com"), ("password", "wrong horse battery")], csrfFrom: "/signin")
            let noPassword = try await phone.post("/signin/password", form: [("identifier", "pat1@example.com"), ("password", "wrong horse battery")], csrfFrom: "/signin")
            for response in [wrong, unknown, noPassword] {
                #expect(response.status == .unauthorized && String(buffer: response.body).contains("do not match"))
            }
            let right = try await phone.post("/signin/password", form: [("identifier", "PAT0@example.com"), ("password", "correct horse battery")], csrfFrom: "/signin")
            #expect(right.status == .seeOther && right.headers[.location] == "/feed" && phone.cookies["tandem_session"]?.hasPrefix("e_") == true)
            #expect(try await phone.request("/feed").status == .ok)
            #expect(try await phone.request("/people").status == .forbidden, "an employee password opens no staff page")
            let byNumber = Browser(client)
            #expect(try await byNumber.post("/signin/password", form: [("identifier", "+44 7700 900210"), ("password", "correct horse battery")], csrfFrom: "/signin").status == .seeOther)

            // Five failures lock the identifier for a while, even for the right password.
            let guesser = Browser(client)
            for _ in 0..<5 {
                #expect(try await guesser.post("/signin/password", form: [("identifier", "pat0@example.com"), ("password", "guess guess guess")], csrfFrom: "/signin").status == .unauthorized)
            }
            let locked = try await guesser.post("/signin/password", form: [("identifier", "pat0@example.com"), ("password", "correct horse battery")], csrfFrom: "/signin")
            #expect(locked.status == .tooManyRequests && locked.headers[.retryAfter] != nil)

            // The API sets and removes it too; without one, password sign-in is refused.
            let csrf = try #require(owner.csrf(from: try await owner.request("/feed/account")))
            #expect(try await owner.request("/api/v1/feed/password", method: .put, headers: [.contentType: "application/json", .csrfToken: csrf], body: #"{"password":"pat0@example.com"}"#).status == .unprocessableContent)
            #expect(try await owner.request("/api/v1/feed/password", method: .put, headers: [.contentType: "application/json", .csrfToken: csrf], body: #"{"password":"another long passphrase"}"#).status == .noContent)
            #expect(try await owner.request("/api/v1/feed/password", method: .delete, headers: [.csrfToken: csrf]).status == .noContent)
            #expect(try await services.feed.passwords.hasPassword(employee) == false)
            let audit = try await services.database.reader.raw("SELECT summary FROM audit_log WHERE action LIKE 'auth.employee_password%'").all()
                .map { try $0.decode(column: "summary", as: String.self) }
            #expect(audit.count == 3 && !audit.joined().contains("horse"))
        }
    }

    @Test("staff whose work email is one current employee's read that employee's feed with their staff session; other staff get 403",
          arguments: TestDatabase.kinds)
    func staffLinked(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            var people = DemoPeople.generate(count: 3, today: EmployeeRules.today())
            for index in people.indices {
                people[index].workEmail = ["Casey.Comms@Example.com", "shared@example.com", "shared@example.com"][index]
                people[index].terminationDate = nil
            }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            _ = try await services.user("casey.comms@example.com", [.comms])
            _ = try await services.user("shared@example.com", [.hr])
            _ = try await services.user("other@example.com", [.hr])
            let casey = Browser(client)
            #expect(try await casey.signIn("casey.comms@example.com").status == .seeOther)
            #expect(try await casey.request("/feed").status == .ok, "linked by email, in any letter case")
            #expect(try await casey.request("/feed/preferences").status == .ok)
            #expect(try await casey.request("/posts").status == .ok, "still staff")
            for email in ["shared@example.com", "other@example.com"] {
                let staff = Browser(client)
                #expect(try await staff.signIn(email).status == .seeOther)
                #expect(try await staff.request("/api/v1/feed").status == .forbidden, "\(email): no single employee record")
            }
        }
    }
}
