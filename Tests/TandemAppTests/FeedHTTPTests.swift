import Delivery
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

@Suite("Employee sign-in by magic link, the personal feed, reactions and acknowledgements",
       .enabled(if: SMTPSink.available, "aiosmtpd is not installed: python3 -m pip install -r e2e/requirements.txt"))
struct FeedHTTPTests {
    @Test("a magic link read from the SMTP server signs in once; the feed is in the reader's language; the acknowledgement reaches the board",
          arguments: TestDatabase.kinds)
    func magicLinkFeedAcknowledge(kind: DatabaseKind) async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withApp(kind, configure: {
            $0.publicURL = "http://tandem.test"
            $0.smtp = SMTPSettings(host: "127.0.0.1", port: sink.port, security: .none, connections: 2, fromAddress: "news@example.com", fromName: "News")
        }) { client, services in
            var people = DemoPeople.generate(count: 6, today: EmployeeRules.today())
            for index in people.indices {
                people[index].workEmail = "Reader\(index)@Example.com"
                people[index].mobilePhone = "+4477009001\(10 + index)"
                people[index].language = index == 0 ? "es-US" : "en"
                people[index].terminationDate = nil
                people[index].hireDate = "2020-01-01"
            }
            people[5].terminationDate = "2001-01-01"
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let approverUser = try await services.user("approver@example.com", [.approver])
            let approver = try await services.token(for: approverUser)
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            func api(_ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer(token, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }
            let topic = try #require(try json(try await api(.post, "/api/v1/topics", comms, #"{"name":"Policy","stages":[{"approver_ids":[\#(approverUser.id)],"rule":"any"}]}"#))["id"] as? Int)
            let post = try #require(try json(try await api(.post, "/api/v1/posts", comms, #"""
                {"fallback_language":"en","topic_ids":[\#(topic)],"channels":["feed"],"requires_acknowledgement":true,
                 "variants":[{"language":"en","title":"New code of conduct","body":"Read **this**."},
                             {"language":"es-US","title":"Nuevo código de conducta","body":"Lea **esto**.","status":"approved"}]}
                """#))["id"] as? Int)
            #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", comms, #"{"action":"submit","version":1}"#).status == .ok)
            #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", approver, #"{"action":"approve","version":1}"#).status == .ok)
            #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", comms, #"{"action":"publish","version":1}"#).status == .ok)
            _ = try await services.delivery.scheduler.tick()
            _ = try await services.delivery.worker.drain(now: { Date().addingTimeInterval(1) })

            // Ask for a link with the address in other letter case; the answer never says whether the person exists.
            let browser = Browser(client)
            let asked = try await browser.post("/signin", form: [("identifier", "reader0@example.com")], csrfFrom: "/signin")
            #expect(asked.status == .ok && String(buffer: asked.body).contains("sign-in link is on its way"))
            let stranger = try await browser.post("/signin", form: [("identifier", "nobody@example.com")], csrfFrom: "/signin")
            #expect(String(buffer: stranger.body) == String(buffer: asked.body).replacingOccurrences(of: "reader0@example.com", with: "nobody@example.com"))
            let left = try await browser.post("/signin", form: [("identifier", "reader5@example.com")], csrfFrom: "/signin")
            #expect(left.status == .ok, "people who have left get the same answer and no link")
            let invalid = try await browser.post("/signin", form: [("identifier", "12345")], csrfFrom: "/signin")
            #expect(invalid.status == .unprocessableContent && String(buffer: invalid.body).contains("international form"))
            let mail = try sink.messages()
            #expect(mail.count == 1, "one link, for the one current employee who asked")
            let message = try #require(mail.first)
            #expect((message["to"] as? [String]) == ["Reader0@Example.com"])
            #expect((message["subject"] as? String) == "Your Tandem sign-in link")
            let text = try #require(message["text"] as? String)
            let linkRange = try #require(text.range(of: "http://tandem.test/signin/link/"))
            let path = "/signin/link/" + text[linkRange.upperBound...].prefix { !$0.isWhitespace }

            // Opening the link changes nothing (mail scanners open links); the button signs in.
            #expect(try await browser.request(path).status == .ok)
            #expect(try await browser.request(path).status == .ok)
            let signedIn = try await browser.post(path, form: [], csrfFrom: path)
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/feed")
            #expect(browser.cookies["tandem_session"]?.hasPrefix("e_") == true)

            let feed = try await browser.request("/feed")
            let feedHTML = String(buffer: feed.body)
            #expect(feed.status == .ok && feedHTML.contains("Nuevo código de conducta") && !feedHTML.contains("New code of conduct"))
            #expect(feedHTML.contains("1 post needs your acknowledgement"))
            #expect(try await browser.request("/people").status == .forbidden, "an employee session opens no staff page")
            #expect(try await browser.request("/api/v1/employees").status == .forbidden)

            // The used link is refused, in a new browser too.
            let other = Browser(client)
            #expect(try await other.post(path, form: [], csrfFrom: "/signin").status == .gone)
            #expect(try await other.request(path).status == .gone)
            #expect(try await other.request("/signin/link/m_forged").status == .notFound)
            #expect(try await other.request("/feed").status != .ok)

            // An expired link is refused with its own message.
            let employee0 = try #require(try await services.feed.links.recipient(for: .email("reader0@example.com"))).employeeID
            let stale = try await services.feed.links.issue(employeeID: employee0, channel: "email", lifetime: -1)
            let expired = try await other.request("/signin/link/" + stale)
            #expect(expired.status == .gone && String(buffer: expired.body).contains("expired"))

            // Acknowledge from the post page; a second press changes nothing.
            let page = try await browser.request("/feed/posts/\(post)")
            #expect(String(buffer: page.body).contains("I have read and understood this"))
            let ack = try await browser.post("/feed/posts/\(post)/acknowledge", form: [], csrfFrom: "/feed/posts/\(post)")
            #expect(ack.status == .seeOther)
            #expect(String(buffer: try await browser.request("/feed/posts/\(post)").body).contains("You acknowledged this on"))
            let again = try await browser.post("/feed/posts/\(post)/acknowledge", form: [], csrfFrom: "/feed/posts/\(post)")
            #expect(again.status == .seeOther)
            let csrf = try #require(browser.csrf(from: try await browser.request("/feed/posts/\(post)")))
            let noToken = try await browser.request("/feed/posts/\(post)/acknowledge", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: "")
            #expect(noToken.status == .forbidden, "the CSRF check covers employee sessions")

            // Staff see it on the board; the employee cannot.
            let board = try json(try await api(.get, "/api/v1/posts/\(post)/acknowledgements", hr))
            #expect(board["recipients"] as? Int == 5 && board["acknowledged"] as? Int == 1)
            #expect((board["waiting"] as? [[String: Any]])?.count == 4)
            #expect(try await browser.request("/posts/\(post)/acknowledgements").status == .forbidden)
            let csv = try await client.execute(uri: "/posts/\(post)/acknowledgements.csv", method: .get, headers: bearer(hr), body: nil)
            #expect(String(buffer: csv.body).split(whereSeparator: \.isNewline).count == 6, "\(String(buffer: csv.body).prefix(300))")

            // Reactions through the JSON API with the session cookie and the CSRF header.
            var headers: HTTPFields = [.contentType: "application/json", .csrfToken: csrf]
            var reacted = try json(try await browser.request("/api/v1/feed/posts/\(post)/reaction", method: .put, headers: headers, body: #"{"kind":"like"}"#))
            #expect((reacted["reactions"] as? [String: Int]) == ["like": 1] && reacted["my_reaction"] as? String == "like")
            reacted = try json(try await browser.request("/api/v1/feed/posts/\(post)/reaction", method: .put, headers: headers, body: #"{"kind":"love"}"#))
            #expect((reacted["reactions"] as? [String: Int]) == ["love": 1])
            #expect(try await browser.request("/api/v1/feed/posts/\(post)/reaction", method: .put, headers: headers, body: #"{"kind":"angry"}"#).status == .unprocessableContent)
            headers[.contentType] = nil
            #expect(try await browser.request("/api/v1/feed/posts/\(post)/reaction", method: .delete, headers: headers).status == .noContent)
            let listed = try json(try await browser.request("/api/v1/feed"))
            let items = try #require(listed["data"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["title"] as? String == "Nuevo código de conducta" && items[0]["acknowledged_at"] != nil)
            #expect((items[0]["reactions"] as? [String: Int]) == [:] && listed["waiting_acknowledgement"] as? Int == 0)
            #expect(try await api(.get, "/api/v1/feed", hr).status == .forbidden, "staff without an employee record have no feed")
            #expect(try await browser.request("/api/v1/feed/posts/999999").status == .notFound)

            // Search finds words of the body in any language; nothing else matches.
            #expect(String(buffer: try await browser.request("/feed?q=esto").body).contains("Nuevo código"))
            #expect(String(buffer: try await browser.request("/feed?q=zzz").body).contains("Nothing in your feed matches"))

            // Comments: held for moderation, sanitised, rate-limited; others see them once approved.
            let commented = try await browser.post("/feed/posts/\(post)/comments", form: [("body", "Clear, thanks! <script>alert(1)</script> **Bold**")], csrfFrom: "/feed/posts/\(post)")
            #expect(commented.status == .seeOther)
            let own = String(buffer: try await browser.request("/feed/posts/\(post)").body)
            #expect(own.contains("Waiting for approval") && own.contains("<strong>Bold</strong>") && !own.contains("<script>alert"))
            let employee1 = try #require(try await services.feed.links.recipient(for: .email("reader1@example.com"))).employeeID
            let colleague = try await services.feed.sessions.create(employeeID: employee1, via: "test", requestID: nil)
            let colleagueCookie: HTTPFields = [.cookie: "tandem_session=\(colleague.token)"]
            func commentsSeenByColleague() async throws -> [[String: Any]] {
                try json(try await client.execute(uri: "/api/v1/feed/posts/\(post)/comments", method: .get, headers: colleagueCookie, body: nil))["data"] as? [[String: Any]] ?? []
            }
            #expect(try await commentsSeenByColleague().isEmpty, "a pending comment is its author's alone")
            let queue = try json(try await api(.get, "/api/v1/feed/comments", hr))["data"] as? [[String: Any]] ?? []
            let commentID = try #require(queue.first?["id"] as? Int)
            #expect(try await api(.post, "/api/v1/feed/comments/\(commentID)/moderation", comms, #"{"decision":"approve"}"#).status == .ok)
            #expect(try await api(.post, "/api/v1/feed/comments/\(commentID)/moderation", hr, #"{"decision":"reject"}"#).status == .conflict)
            #expect(try await commentsSeenByColleague().first?["state"] as? String == "approved")
            #expect(try await browser.request("/api/v1/feed/posts/\(post)/comments", method: .post, headers: [.contentType: "application/json", .csrfToken: csrf],
                                              body: #"{"body":"   "}"#).status == .unprocessableContent)
            for index in 0..<4 {
                #expect(try await browser.request("/api/v1/feed/posts/\(post)/comments", method: .post, headers: [.contentType: "application/json", .csrfToken: csrf],
                                                  body: #"{"body":"note \#(index)"}"#).status == .created)
            }
            let spam = try await browser.request("/api/v1/feed/posts/\(post)/comments", method: .post, headers: [.contentType: "application/json", .csrfToken: csrf],
                                                 body: #"{"body":"one more"}"#)
            #expect(spam.status == .tooManyRequests && spam.headers[.retryAfter] != nil)
            #expect(try await client.execute(uri: "/api/v1/feed/comments", method: .get, headers: colleagueCookie, body: nil).status == .forbidden)

            // Signing out ends the session.
            let out = try await browser.post("/feed/signout", form: [], csrfFrom: "/feed")
            #expect(out.status == .seeOther)
            #expect(try await browser.request("/feed").status != .ok)
        }
    }

    @Test("sign-in links are rate-limited per address and number, by SMS too", arguments: TestDatabase.kinds)
    func rateLimit(kind: DatabaseKind) async throws {
        let gateway = try GatewaySink()
        defer { gateway.stop() }
        try await withApp(kind, configure: { $0.publicURL = "http://tandem.test" }) { client, services in
            var people = DemoPeople.generate(count: 2, today: EmployeeRules.today())
            for index in people.indices {
                people[index].workEmail = nil
                people[index].mobilePhone = "+447700900\(200 + index)"
                people[index].terminationDate = nil
            }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            try await services.delivery.channels.saveSMS(
                SMSGateway(url: gateway.url, from: "+15550000000", username: "AC1", ratePerSecond: 50, burst: 50), token: nil, by: .system)
            let browser = Browser(client)
            for _ in 0..<3 {
                #expect(try await browser.post("/signin", form: [("identifier", "+44 7700 900200")], csrfFrom: "/signin").status == .ok)
            }
            let limited = try await browser.post("/signin", form: [("identifier", "+447700900200")], csrfFrom: "/signin")
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil)
            let texts = try gateway.requests()
            #expect(texts.count == 3 && texts.allSatisfy { ($0["form"] as? [String: String])?["To"] == "+447700900200" })
            #expect((texts.first?["form"] as? [String: String])?["Body"]?.contains("http://tandem.test/signin/link/m_") == true)
            // The API answers alike and counts against the same limit.
            let viaAPI = try await client.execute(uri: "/api/v1/signin/links", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"identifier":"+447700900201"}"#))
            #expect(viaAPI.status == .accepted)
            #expect(try await client.execute(uri: "/api/v1/signin/links", method: .post, headers: [.contentType: "application/json"],
                                             body: ByteBuffer(string: #"{"identifier":"not a number"}"#)).status == .unprocessableContent)
        }
    }
}
