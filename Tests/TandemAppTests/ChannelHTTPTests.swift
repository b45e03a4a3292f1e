import Delivery
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Channel settings over HTTP")
struct ChannelHTTPTests {
    @Test("admins set the SMS gateway; the token is sealed and never shown; bad settings are 422 with the field; a paused channel is announced and resumed",
          arguments: TestDatabase.kinds)
    func sms(kind: DatabaseKind) async throws {
        let gateway = try GatewaySink(token: "tok")
        defer { gateway.stop() }
        try await withApp(kind, configure: { $0.secretKey = Data(repeating: 5, count: 32) }) { client, services in
            let admin = try await services.token(for: try await services.user("admin@example.com", [.admin]))
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            func send(_ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer(token, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }
            let empty = try json(try await send(.get, "/api/v1/channels/sms", admin))
            #expect(empty["configured"] as? Bool == false && empty["can_store_secrets"] as? Bool == true)
            #expect(try await send(.get, "/api/v1/channels/sms", comms).status == .forbidden)
            #expect(try await send(.put, "/api/v1/channels/sms", comms, #"{"url":"\#(gateway.url)","from":"Tandem"}"#).status == .forbidden)

            let bad = try await send(.put, "/api/v1/channels/sms", admin, #"{"url":"ftp://x","from":"Tandem"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect((try json(bad)["error"] as? [String: Any])?["field"] as? String == "url")
            let badRate = try await send(.put, "/api/v1/channels/sms", admin, #"{"url":"\#(gateway.url)","from":"Tandem","rate_per_second":0}"#)
            #expect((try json(badRate)["error"] as? [String: Any])?["field"] as? String == "rate_per_second")
            #expect(try await send(.put, "/api/v1/channels/sms", admin, #"{"url":"\#(gateway.url)","from":"Tandem","tokn":"x"}"#).status == .unprocessableContent)

            let saved = try json(try await send(.put, "/api/v1/channels/sms", admin, #"{"url":"\#(gateway.url)","from":"Tandem","username":"AC1","token":"tok"}"#))
            #expect(saved["configured"] as? Bool == true && saved["has_token"] as? Bool == true && saved["paused"] as? Bool == false)
            let shown = String(buffer: try await send(.get, "/api/v1/channels/sms", admin).body)
            #expect(!shown.contains("\"tok\"") && shown.contains("\"has_token\":true"))
            // Saving without a token keeps the stored one.
            _ = try await send(.put, "/api/v1/channels/sms", admin, #"{"url":"\#(gateway.url)","from":"Tandem","username":"AC1","burst":5}"#)
            #expect(try json(try await send(.get, "/api/v1/channels/sms", admin))["has_token"] as? Bool == true)

            // The page: the form, a test message through the real gateway, the pause banner.
            let browser = Browser(client)
            _ = try await browser.signIn("admin@example.com")
            let page = String(buffer: try await browser.request("/deliveries/channels").body)
            #expect(page.contains("A token is stored") && !page.contains("value=\"tok\""))
            let tested = try await browser.post("/deliveries/channels/sms/test", form: [("number", "+1 555 010 3000")], csrfFrom: "/deliveries/channels")
            #expect(tested.status == .seeOther)
            #expect(String(buffer: try await browser.request("/deliveries/channels").body).contains("accepted the test message (SM"))
            let form = try #require(try gateway.requests().last?["form"] as? [String: String])
            #expect(form["To"] == "+15550103000" && form["From"] == "Tandem")
            let refused = try await browser.post("/deliveries/channels/sms", form: [("url", gateway.url), ("from", "x y")], csrfFrom: "/deliveries/channels")
            #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains("sender must be"))

            try await services.delivery.channels.pause(.sms, reason: "20 failures in a row; the last: 503")
            #expect(String(buffer: try await browser.request("/deliveries").body).contains("SMS is paused: 20 failures in a row"))
            #expect(String(buffer: try await browser.request("/deliveries/channels").body).contains("Resume SMS"))
            #expect(try json(try await send(.post, "/api/v1/channels/sms/resume", admin))["resumed"] as? Bool == true)
            #expect(try json(try await send(.post, "/api/v1/channels/sms/resume", admin))["resumed"] as? Bool == false)
            #expect(!String(buffer: try await browser.request("/deliveries").body).contains("is paused"))
        }
    }
}
