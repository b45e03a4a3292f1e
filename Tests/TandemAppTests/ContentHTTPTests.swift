import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Newsroom over HTTP")
struct ContentHTTPTests {
    @Test("API: topic with a board; a post drafted in two languages, sanitised, submitted, approved, scheduled; conflicts and bad input refused", arguments: TestDatabase.kinds)
    func api(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let comms = try await services.user("comms@example.com", [.comms])
            let approver = try await services.user("approver@example.com", [.approver])
            let commsToken = try await services.token(for: comms), approverToken = try await services.token(for: approver)
            let marketingToken = try await services.token(for: try await services.user("mkt@example.com", [.marketing]))
            let analystToken = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            func send(_ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer(token, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }

            let topicBody = #"{"name":"Benefits","stages":[{"approver_ids":[\#(approver.id)],"rule":"any"}]}"#
            #expect(try await send(.post, "/api/v1/topics", marketingToken, topicBody).status == .forbidden)
            let topic = try await send(.post, "/api/v1/topics", commsToken, topicBody)
            #expect(topic.status == .created)
            let topicID = try #require(try json(topic)["id"] as? Int)
            #expect(try await send(.post, "/api/v1/topics", commsToken, #"{"name":"Safety","stages":[{"approver_ids":[\#(approver.id)],"rule":"3"}]}"#).status == .unprocessableContent)
            #expect(try await send(.post, "/api/v1/topics", commsToken, #"{"name":"Safety","stages":[{"approver_ids":[999],"rule":"any"}]}"#).status == .unprocessableContent)

            let post = """
                {"fallback_language":"en","topic_ids":[\(topicID)],"tags":["Benefits"],
                 "variants":[{"language":"en","title":"Enrol by Friday","summary":"Open enrolment closes soon.","body":"Go to **the portal** <script>alert(1)</script> [x](javascript:alert(2))",
                              "channel_texts":{"sms":"Enrol in benefits by Friday: portal.example.com"}},
                             {"language":"pt-BR","title":"Inscreva-se até sexta","body":"Acesse o portal."}]}
                """
            #expect(try await send(.post, "/api/v1/posts", analystToken, post).status == .forbidden)
            let created = try await send(.post, "/api/v1/posts", commsToken, post)
            #expect(created.status == .created)
            let body = try json(created)
            let id = try #require(body["id"] as? Int)
            let html = try #require((body["variants"] as? [[String: Any]])?.first?["body_html"] as? String)
            #expect(html.contains("<strong>the portal</strong>"))
            #expect(!html.lowercased().contains("<script") && !html.lowercased().contains("javascript:"), "\(html)")
            #expect(body["available_actions"] as? [String] == ["submit"])

            // Bad input: SMS too long, no fallback variant, stale version.
            let longSMS = post.replacingOccurrences(of: "Enrol in benefits by Friday: portal.example.com", with: String(repeating: "x", count: 170))
            let tooLong = try await send(.post, "/api/v1/posts", commsToken, longSMS)
            #expect(tooLong.status == .unprocessableContent && String(buffer: tooLong.body).contains("170 characters"))
            #expect(try await send(.post, "/api/v1/posts", commsToken, post.replacingOccurrences(of: #""fallback_language":"en""#, with: #""fallback_language":"de""#)).status == .unprocessableContent)
            #expect(try await send(.put, "/api/v1/posts/\(id)", commsToken, post).status == .unprocessableContent, "an update must name its version")
            let saved = try await send(.put, "/api/v1/posts/\(id)", commsToken, post.replacingOccurrences(of: "{\"fallback_language\"", with: "{\"version\":1,\"fallback_language\""))
            #expect(try json(saved)["version"] as? Int == 2)
            let stale = try await send(.put, "/api/v1/posts/\(id)", commsToken, post.replacingOccurrences(of: "{\"fallback_language\"", with: "{\"version\":1,\"fallback_language\""))
            #expect(stale.status == .conflict)
            #expect(try errorCode(stale) == "edit_conflict")

            func transition(_ token: String, _ body: String) async throws -> TestResponse { try await send(.post, "/api/v1/posts/\(id)/transitions", token, body) }
            #expect(try await transition(commsToken, #"{"action":"submit","version":2}"#).status == .ok)
            #expect(try await transition(commsToken, #"{"action":"approve","version":2}"#).status == .forbidden, "an editor not on the board cannot approve")
            let queue = try json(try await send(.get, "/api/v1/reviews", approverToken))
            #expect((queue["data"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            #expect(try await transition(approverToken, #"{"action":"request_changes","version":2}"#).status == .unprocessableContent, "a reason is required")
            let approved = try await transition(approverToken, #"{"action":"approve","version":2}"#)
            #expect(try json(approved)["state"] as? String == "approved")
            #expect(try await transition(commsToken, #"{"action":"schedule","publish_at":"2020-01-01T09:00","time_zone":"Europe/Berlin"}"#).status == .unprocessableContent)
            #expect(try await transition(commsToken, #"{"action":"schedule","publish_at":"2099-01-01T09:00","time_zone":"Mars/Olympus"}"#).status == .unprocessableContent)
            let scheduled = try json(try await transition(commsToken, #"{"action":"schedule","publish_at":"2099-01-01T09:00","time_zone":"Europe/Berlin"}"#))
            #expect(scheduled["state"] as? String == "scheduled")
            #expect(scheduled["publish_at"] as? String == "2099-01-01T08:00:00Z")
            #expect(try await transition(commsToken, #"{"action":"fly"}"#).status == .unprocessableContent)

            let events = try json(try await send(.get, "/api/v1/posts/\(id)/events", approverToken))
            #expect((events["data"] as? [[String: Any]])?.count == 5)
            let versions = try json(try await send(.get, "/api/v1/posts/\(id)/versions", commsToken))
            #expect((versions["data"] as? [[String: Any]])?.map { $0["version"] as? Int } == [2, 1])
            #expect(try await send(.delete, "/api/v1/topics/\(topicID)", commsToken).status == .conflict)

            // An audience a post targets cannot be deleted from under it.
            let audience = try json(try await send(.post, "/api/v1/audiences", commsToken, #"{"name":"Everyone in Brazil","rule":"country = \"BR\""}"#))
            let audienceID = try #require(audience["id"] as? Int)
            let targeted = post.replacingOccurrences(of: #""tags":["Benefits"],"#, with: #""tags":["Benefits"],"audiences":[{"audience_id":\#(audienceID),"mode":"include"}],"#)
            #expect(try await send(.post, "/api/v1/posts", commsToken, targeted).status == .created)
            let refused = try await send(.delete, "/api/v1/audiences/\(audienceID)", commsToken)
            #expect(refused.status == .conflict && String(buffer: refused.body).contains("Enrol by Friday"))
            #expect(try await send(.get, "/api/v1/posts?state=scheduled", approverToken).status == .ok)
            #expect(try await send(.get, "/api/v1/posts?state=flying", approverToken).status == .badRequest)

            // Campaigns: editors create them; posts join them; approvers read them.
            let campaignBody = #"{"name":"Open enrolment 2027","owner_teams":["hr","ic"],"starts_on":"2026-11-01","ends_on":"2026-12-15","outcome_metric":"401(k) participation"}"#
            #expect(try await send(.post, "/api/v1/campaigns", approverToken, campaignBody).status == .forbidden)
            let campaign = try await send(.post, "/api/v1/campaigns", commsToken, campaignBody)
            #expect(campaign.status == .created)
            let campaignID = try #require(try json(campaign)["id"] as? Int)
            #expect(try await send(.post, "/api/v1/campaigns", commsToken, campaignBody.replacingOccurrences(of: "2026-12-15", with: "2026-10-01")).status == .unprocessableContent)
            #expect(try await send(.post, "/api/v1/campaigns", commsToken, campaignBody.replacingOccurrences(of: #"["hr","ic"]"#, with: #"["finance"]"#)).status == .unprocessableContent)
            let joined = try await send(.post, "/api/v1/posts", commsToken, post.replacingOccurrences(of: #""tags":["Benefits"],"#, with: #""tags":["Benefits"],"campaign_id":\#(campaignID),"#))
            #expect(try json(joined)["campaign_id"] as? Int == campaignID)
            #expect(try json(try await send(.get, "/api/v1/campaigns/\(campaignID)", approverToken))["post_count"] as? Int == 1)
            #expect(try await send(.delete, "/api/v1/campaigns/\(campaignID)", commsToken).status == .conflict)
        }
    }

    @Test("pages: an author drafts in two languages, submits; the approver approves from the review queue; forms need CSRF")
    func pages() async throws {
        try await withApp { client, services in
            try await services.user("comms@example.com", [.comms])
            let approver = try await services.user("approver@example.com", [.approver])
            let author = Browser(client)
            _ = try await author.signIn("comms@example.com")
            let topicPage = try await author.post("/topics", form: [("name", "Safety"), ("description", ""), ("owner_team_id", ""), ("approvers", String(approver.id)), ("rule", "any")], csrfFrom: "/topics")
            #expect(topicPage.status == .seeOther)
            let topicID = try #require(topicPage.headers[.location]?.split(separator: "/").last.map(String.init))

            let form: [(String, String)] = [
                ("v0_language", "en"), ("v0_title", "Wear your helmet"), ("v0_summary", "Site rules changed."), ("v0_body", "Helmets are *required* on site."),
                ("v0_status", "translated"), ("v0_sms", "Helmets required on site from Monday."), ("v0_social", ""), ("v0_chat", ""), ("v0_email", ""), ("v0_feed", ""),
                ("v1_language", "de"), ("v1_title", "Helm tragen"), ("v1_summary", ""), ("v1_body", "Helme sind *Pflicht*."), ("v1_status", "needs_translation"),
                ("v1_sms", ""), ("v1_social", ""), ("v1_chat", ""), ("v1_email", ""), ("v1_feed", ""),
                ("v2_language", ""), ("v2_title", ""), ("v2_body", ""),
                ("fallback_language", "en"), ("topic_ids", topicID), ("tags", "safety, sites"), ("priority", "important"), ("mandatory", "on"),
                ("cta_label", ""), ("cta_url", ""), ("expires_on", ""),
            ]
            let created = try await author.post("/posts", form: form, csrfFrom: "/posts/new")
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            let page = String(buffer: try await author.request(location).body)
            #expect(page.contains("Helme sind <em>Pflicht</em>.") && page.contains("Submit for approval"))
            #expect(page.contains("37 / 160"), "the SMS counter shows")
            let noCSRF = try await author.request(location + "/transition", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: "action=submit&version=1")
            #expect(noCSRF.status == .forbidden)
            #expect(try await author.post(location + "/transition", form: [("action", "submit"), ("version", "1")], csrfFrom: location).status == .seeOther)

            let reviewer = Browser(client)
            _ = try await reviewer.signIn("approver@example.com")
            #expect(String(buffer: try await reviewer.request("/reviews").body).contains("Wear your helmet"))
            #expect(String(buffer: try await reviewer.request(location).body).contains("Approve version 1"))
            #expect(try await reviewer.post(location + "/transition", form: [("action", "approve"), ("version", "1")], csrfFrom: location).status == .seeOther)
            let after = String(buffer: try await author.request(location).body)
            #expect(after.contains("Approved") && after.contains("Publish now"))
            // The approver may not edit.
            #expect(try await reviewer.request(location + "/edit").status == .forbidden)
        }
    }
}
