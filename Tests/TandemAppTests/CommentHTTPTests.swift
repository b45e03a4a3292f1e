import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Comments, mentions and review diffs over HTTP")
struct CommentHTTPTests {
    @Test("comment with a mention by API, sanitised; the approver's inbox until they open the post; replies by form with CSRF; diff since last seen", arguments: TestDatabase.kinds)
    func comments(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let approverUser = try await services.user("ada.approver@example.com", [.approver])
            let approver = try await services.token(for: approverUser)
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            func send(_ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer(token, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }
            let postBody = #"{"fallback_language":"en","variants":[{"language":"en","title":"Enrol by Friday","body":"Line one\nLine two"}]}"#
            let id = try #require(try json(try await send(.post, "/api/v1/posts", comms, postBody))["id"] as? Int)

            let comment = #"{"body":"@ada.approver please check <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"}"#
            #expect(try await send(.post, "/api/v1/posts/\(id)/comments", analyst, comment).status == .forbidden)
            let created = try await send(.post, "/api/v1/posts/\(id)/comments", comms, comment)
            #expect(created.status == .created)
            let html = try #require(try json(created)["body_html"] as? String).lowercased()
            #expect(!html.contains("<script") && !html.contains("javascript:") && !html.contains("onerror"), "\(html)")
            #expect(try json(created)["mentioned"] as? [String] == [approverUser.displayName])
            let commentID = try #require(try json(created)["id"] as? Int)
            #expect(try await send(.post, "/api/v1/posts/\(id)/comments", comms, #"{"body":"@nobody hi"}"#).status == .unprocessableContent)
            #expect(try await send(.post, "/api/v1/posts/\(id)/comments", comms, #"{"body":""}"#).status == .unprocessableContent)
            #expect(try await send(.post, "/api/v1/posts/999999/comments", comms, #"{"body":"hi"}"#).status == .notFound)

            var inbox = try json(try await send(.get, "/api/v1/mentions?unread=true", approver))
            #expect(inbox["unread"] as? Int == 1 && (inbox["data"] as? [[String: Any]])?.first?["post_id"] as? Int == id)
            #expect(try await send(.get, "/api/v1/mentions?unread=maybe", approver).status == .badRequest)

            // The approver opens Reviews, then the post: the mention is read and v1 is recorded as seen.
            let browser = Browser(client)
            _ = try await browser.signIn("ada.approver@example.com")
            let reviews = String(buffer: try await browser.request("/reviews").body)
            #expect(reviews.contains("Mentions of you") && reviews.contains("/posts/\(id)#comment-\(commentID)"))
            let page = try await browser.request("/posts/\(id)")
            let text = String(buffer: page.body)
            #expect(text.contains("id=\"comment-\(commentID)\"") && text.contains("Mentions: \(approverUser.displayName)"))
            #expect(!text.contains("Changes since you last looked"), "nothing to compare on a first visit")
            inbox = try json(try await send(.get, "/api/v1/mentions?unread=true", approver))
            #expect(inbox["unread"] as? Int == 0)

            // A reply by form needs the page's CSRF token.
            let noToken = try await browser.request("/posts/\(id)/comments", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                     body: encode([("body", "Looks fine"), ("reply_to", String(commentID))]))
            #expect(noToken.status == .forbidden)
            let replied = try await browser.post("/posts/\(id)/comments", form: [("body", "Looks **fine**"), ("reply_to", String(commentID))], csrfFrom: "/posts/\(id)")
            #expect(replied.status == .seeOther)
            let threads = try json(try await send(.get, "/api/v1/posts/\(id)/comments", comms))["data"] as? [[String: Any]]
            #expect(((threads?.first?["replies"] as? [[String: Any]])?.first?["body_html"] as? String)?.contains("<strong>fine</strong>") == true)
            let resolved = try await send(.post, "/api/v1/posts/\(id)/comments/\(commentID)/resolve", approver, #"{"resolved":true}"#)
            #expect(try json(resolved)["root"].flatMap { ($0 as? [String: Any])?["resolved_by"] as? String } == approverUser.displayName)
            #expect(try await send(.delete, "/api/v1/posts/\(id)/comments/\(commentID)", approver).status == .forbidden, "only the author removes a comment")

            // The author edits; the approver's diff starts from v1, the version they saw.
            let edited = postBody.replacingOccurrences(of: "{\"fallback_language\"", with: "{\"version\":1,\"fallback_language\"")
                .replacingOccurrences(of: "Enrol by Friday", with: "Enrol by Monday").replacingOccurrences(of: "Line two", with: "Line 2")
            #expect(try await send(.put, "/api/v1/posts/\(id)", comms, edited).status == .ok)
            let diff = try json(try await send(.get, "/api/v1/posts/\(id)/diff", approver))
            #expect(diff["from"] as? Int == 1 && diff["to"] as? Int == 2 && diff["last_seen"] as? Int == 1)
            let fields = (diff["changes"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == ["Title (en)", "Body (en)"])
            #expect(try await send(.get, "/api/v1/posts/\(id)/diff?from=3", approver).status == .badRequest)
            #expect(try await send(.get, "/api/v1/posts/\(id)/diff?from=2&to=1", approver).status == .badRequest)
            let changed = String(buffer: try await browser.request("/posts/\(id)").body)
            #expect(changed.contains("Changes since you last looked (v1 → v2)"))
            #expect(changed.contains("<del>Friday</del><ins>Monday</ins>"), "word-level change in the title")
            #expect(changed.contains("<del>− Line two\n</del><ins>+ Line 2\n</ins>"))
            #expect(try json(try await send(.get, "/api/v1/posts/\(id)/diff", approver))["from"] as? Int == 2, "seen now")
            #expect(try await browser.request("/posts/\(id)?compare=9").status == .badRequest)
            #expect(String(buffer: try await browser.request("/posts/\(id)?compare=1").body).contains("Changes from v1 to v2"), "any earlier version can be compared")
            #expect(try await send(.post, "/api/v1/posts/\(id)/seen", approver, #"{"version":5}"#).status == .unprocessableContent)
            #expect(try await send(.post, "/api/v1/posts/\(id)/seen", approver, #"{"version":2}"#).status == .noContent)
        }
    }
}
