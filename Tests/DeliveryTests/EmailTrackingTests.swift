import Content
@testable import Delivery
@testable import Engagement
import Foundation
import TandemStore
import TandemTesting
import Testing

@Suite("Tracking in emails")
struct EmailTrackingTests {
    /// Undoes quoted-printable (soft line breaks and =XX), enough to read the parts back.
    static func unquote(_ text: String) -> String {
        let joined = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var out: [UInt8] = []
        var index = 0
        while index < joined.count {
            if joined[index] == UInt8(ascii: "="), index + 2 < joined.count, let byte = UInt8(String(decoding: joined[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                out.append(byte)
                index += 3
            } else {
                out.append(joined[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test("each person's email has a tracking image and tracked links to allowed hosts, whose tokens name that person; other links go out as they are")
    func tracked() async throws {
        try await TestDatabase.with(.sqlite, migrator: nil) { (database: Database) async throws in
            let tokens = TrackingTokens(signer: LinkSigner(database: database, key: Data(repeating: 5, count: 32)))
            let tracking = EmailTracking(tokens: tokens, allowed: LinkAllowList(baseURL: "https://tandem.example.com", hosts: ["benefits.example.com"]),
                                         baseURL: "https://tandem.example.com/")
            func mail(cta: String) async throws -> (text: String, html: String) {
                let content = PostContent(fallbackLanguage: "en", callToAction: .init(label: "Enrol now", url: cta),
                                          variants: [PostVariant(language: "en", title: "Open enrolment", summary: "", body: "Choose a plan.", bodyHTML: "<p>Choose a plan.</p>")])
                let prepared = try #require(EmailComposer.prepare(content: content, topics: [], language: "en", readLink: "https://tandem.example.com/feed/posts/7"))
                let personal = try await tracking.tracking(for: prepared, post: 7, employee: 42)
                let message = EmailComposer.compose(prepared, to: .init(name: "Ana", address: "ana@example.com", language: "en"), unsubscribe: nil, tracking: personal,
                                                    deliveryID: 1, postID: 7, fromName: "News", fromAddress: "news@example.com", date: Date())
                return (Self.unquote(message.encodedText), Self.unquote(message.encodedHTML))
            }
            let allowed = try await mail(cta: "https://benefits.example.com/enrol")
            #expect(allowed.html.contains("<img src=\"https://tandem.example.com/t/o/ev.7.42.1."))
            let clickPrefix = "https://tandem.example.com/t/c/"
            let link = try #require(allowed.text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("Enrol now: ") }?.dropFirst("Enrol now: ".count))
            #expect(link.hasPrefix(clickPrefix) && link.hasSuffix("?u=https%3A%2F%2Fbenefits%2Eexample%2Ecom%2Fenrol"), "\(link)")
            let token = String(link.dropFirst(clickPrefix.count).prefix { $0 != "?" })
            #expect(try await tokens.verifyClick(token, url: "https://benefits.example.com/enrol") == .success(.init(postID: 7, employeeID: 42, channel: .email)))
            #expect(allowed.text.contains("Read it in Tandem: " + clickPrefix), "the read link is tracked too")
            #expect(allowed.html.contains("href=\"" + clickPrefix) && !allowed.html.contains("href=\"https://benefits.example.com/enrol\""))

            let elsewhere = try await mail(cta: "https://other.example.net/form")
            #expect(elsewhere.text.contains("Enrol now: https://other.example.net/form\r\n"), "a host not on the allow-list is linked directly")
        }
    }
}
