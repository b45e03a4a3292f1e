import Content
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// A LibreTranslate stand-in on a real socket: the service itself cannot run here (no network,
/// no models), so this plays its documented protocol, including its failures.
enum FakeLibreTranslate {
    struct Request: Decodable {
        let q: [String]
        let source: String
        let target: String
        let format: String
        let api_key: String?
    }

    static func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/translate") { request, context -> Response in
            let input = try await request.decode(as: Request.self, context: context)
            func reply(_ status: HTTPResponse.Status, _ text: String) -> Response {
                Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            if input.api_key != "secret" { return reply(.forbidden, #"{"error":"Invalid API key"}"#) }
            if input.target == "xx" { return reply(.badRequest, #"{"error":"xx is not supported"}"#) }
            if input.target == "zz" { return reply(.ok, "<html>proxy error</html>") }
            if input.target == "yy" { return reply(.ok, #"{"translatedText":["only one"]}"#) }
            let out = input.q.map { "[\(input.source)→\(input.target)] " + $0.uppercased() }
            let json = String(decoding: try JSONEncoder().encode(["translatedText": out]), as: UTF8.self)
            return reply(.ok, json)
        }
        var logger = Logger(label: "fake-libretranslate")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}

@Suite("Translations")
struct TranslationHTTPTests {
    @Test("the LibreTranslate adapter sends the documented request and turns every failure into a clear error")
    func adapter() async throws {
        try await FakeLibreTranslate.run { (url: String) async throws in
            let provider = LibreTranslateProvider(url: url + "/", apiKey: "secret")
            #expect(try await provider.translate(["Hello", "Go **now**"], from: "en-GB", to: "pt-BR") == ["[en→pt] HELLO", "[en→pt] GO **NOW**"])
            #expect(try await provider.translate([], from: "en", to: "de") == [])
            func failure(_ target: String, key: String? = "secret") async -> String {
                do {
                    _ = try await LibreTranslateProvider(url: url, apiKey: key).translate(["Hello"], from: "en", to: target)
                    return "translated"
                } catch { return "\(error)" }
            }
            #expect(await failure("de", key: nil).contains("answered 403: Invalid API key"))
            #expect(await failure("xx").contains("answered 400: xx is not supported"))
            #expect(await failure("zz").contains("not a list of 1 translations"))
            #expect(await failure("yy") == "translated", "one text, one answer")
            let unreachable = LibreTranslateProvider(url: "http://127.0.0.1:9", apiKey: nil, timeout: .seconds(2))
            await #expect(throws: TranslationError.self) { _ = try await unreachable.translate(["Hello"], from: "en", to: "de") }
        }
    }

    @Test("request a translation by API (copy for a person, or a machine draft), listed for the translator, and blocking the schedule until done", arguments: TestDatabase.kinds)
    func requests(kind: DatabaseKind) async throws {
        try await FakeLibreTranslate.run { (url: String) async throws in
            try await withApp(kind, configure: { $0.translateURL = url; $0.translateKey = "secret" }) { client, services in
                let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
                let translatorUser = try await services.user("tina@example.com", [.marketing])
                let translator = try await services.token(for: translatorUser)
                let approver = try await services.user("approver@example.com", [.approver])
                func send(_ method: HTTPRequest.Method, _ uri: String, _ token: String, _ body: String? = nil) async throws -> TestResponse {
                    try await client.execute(uri: uri, method: method, headers: bearer(token, json: body != nil), body: body.map { ByteBuffer(string: $0) })
                }
                let created = try await send(.post, "/api/v1/posts", comms, #"{"fallback_language":"en","variants":[{"language":"en","title":"Canteen closed","summary":"Friday only","body":"Bring lunch.","channel_texts":{"sms":"Canteen closed Friday"}}]}"#)
                let id = try #require(try json(created)["id"] as? Int)

                let person = try await send(.post, "/api/v1/posts/\(id)/translations", comms, #"{"language":"de","version":1,"translator_id":\#(translatorUser.id)}"#)
                #expect(person.status == .created)
                let variants = try #require(try json(person)["variants"] as? [[String: Any]])
                let de = try #require(variants.first { $0["language"] as? String == "de" })
                #expect(de["status"] as? String == "needs_translation" && de["title"] as? String == "Canteen closed" && de["translator_id"] as? Int == Int(translatorUser.id))
                #expect(try json(person)["version"] as? Int == 2)

                let machine = try await send(.post, "/api/v1/posts/\(id)/translations", comms, #"{"language":"pt-BR","version":2,"machine":true}"#)
                #expect(machine.status == .created)
                let pt = try #require((try json(machine)["variants"] as? [[String: Any]])?.first { $0["language"] as? String == "pt-BR" })
                #expect(pt["title"] as? String == "[en→pt] CANTEEN CLOSED" && pt["status"] as? String == "needs_translation")
                #expect((pt["channel_texts"] as? [String: String])?["sms"] == "[en→pt] CANTEEN CLOSED FRIDAY")

                // Refusals: duplicate, stale version, unknown translator role, a failing service (nothing saved).
                #expect(try await send(.post, "/api/v1/posts/\(id)/translations", comms, #"{"language":"DE","version":3}"#).status == .conflict)
                #expect(try await send(.post, "/api/v1/posts/\(id)/translations", comms, #"{"language":"fr","version":1}"#).status == .conflict)
                #expect(try await send(.post, "/api/v1/posts/\(id)/translations", comms, #"{"language":"fr","version":3,"translator_id":\#(approver.id)}"#).status == .unprocessableContent)
                let failed = try await send(.post, "/api/v1/posts/\(id)/translations", comms, #"{"language":"xx","version":3,"machine":true}"#)
                #expect(failed.status == .badGateway && String(buffer: failed.body).contains("xx is not supported"))
                #expect(try await send(.post, "/api/v1/posts/\(id)/translations", comms, #"{"language":"not a tag!","version":3,"machine":true}"#).status == .unprocessableContent)
                #expect(try json(try await send(.get, "/api/v1/posts/\(id)", comms))["version"] as? Int == 3, "nothing saved by the refusals")
                #expect(try await send(.post, "/api/v1/posts/\(id)/translations", translator, #"{"language":"fr","version":3}"#).status == .created, "marketing may request too")

                let mine = try json(try await send(.get, "/api/v1/translations", translator))["data"] as? [[String: Any]]
                #expect(mine?.compactMap { $0["language"] as? String } == ["de"])
                let all = try json(try await send(.get, "/api/v1/translations?assigned=anyone", comms))["data"] as? [[String: Any]]
                #expect(Set(all?.compactMap { $0["language"] as? String } ?? []) == ["de", "pt-BR", "fr"])
                #expect(try await send(.get, "/api/v1/translations?assigned=bob", comms).status == .badRequest)

                let browser = Browser(client)
                _ = try await browser.signIn("tina@example.com")
                let page = String(buffer: try await browser.request("/translations").body)
                #expect(page.contains("Canteen closed") && page.contains("needs translation"))
                let post = String(buffer: try await browser.request("/posts/\(id)").body)
                #expect(post.contains("Request a translation") && post.contains("Draft it with LibreTranslate at"))
                let form = try await browser.post("/posts/\(id)/translations", form: [("language", "es"), ("version", "4"), ("translator_id", String(translatorUser.id))], csrfFrom: "/posts/\(id)")
                #expect(form.status == .seeOther)
                let editor = String(buffer: try await browser.request("/posts/\(id)/edit").body)
                #expect(editor.contains("name=\"v0_translator_id\""))
            }
        }
    }
}
