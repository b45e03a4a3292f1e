@testable import Analytics
@testable import Engagement
import Foundation
import TandemStore
import TandemTesting
import Testing

@Suite("Tracking tokens and the link allow-list")
struct TrackingTokenTests {
    @Test("a token names its post, person and channel; tampered, foreign and expired tokens are refused; a click token covers its URL")
    func tokens() async throws {
        try await TestDatabase.with(.sqlite, migrator: nil) { (database: Database) async throws in
            let tokens = TrackingTokens(signer: LinkSigner(database: database, key: Data(repeating: 7, count: 32)))
            let now = Date(timeIntervalSince1970: 1_790_000_000)
            let token = try await tokens.event(post: 12, employee: 345, channel: .email, now: now)
            #expect(try await tokens.verifyEvent(token, now: now) == .success(.init(postID: 12, employeeID: 345, channel: .email)))
            let forged = token.replacingOccurrences(of: ".345.", with: ".346.")
            #expect(try await tokens.verifyEvent(forged, now: now) == .failure(.badSignature))
            let other = TrackingTokens(signer: LinkSigner(database: database, key: Data(repeating: 8, count: 32)))
            #expect(try await other.verifyEvent(token, now: now) == .failure(.badSignature), "another installation's key")
            #expect(try await tokens.verifyEvent(token, now: now.addingTimeInterval(61 * 86_400)) == .failure(.expired))
            #expect(try await tokens.verifyEvent(token, now: now.addingTimeInterval(59 * 86_400)) == .success(.init(postID: 12, employeeID: 345, channel: .email)))
            #expect(try await tokens.verifyEvent("ev.1.2.0", now: now) == .failure(.badSignature))
            #expect(try await tokens.verifyEvent(String(repeating: "x", count: 500), now: now) == .failure(.badSignature))

            let click = try await tokens.click(post: 12, employee: 345, channel: .email, url: "https://benefits.example.com/enrol", now: now)
            #expect(try await tokens.verifyClick(click, url: "https://benefits.example.com/enrol", now: now) == .success(.init(postID: 12, employeeID: 345, channel: .email)))
            #expect(try await tokens.verifyClick(click, url: "https://evil.example.net/", now: now) == .failure(.badURL))
            #expect(try await tokens.verifyEvent(click, now: now) == .failure(.badSignature), "a click token is not an event token")
        }
    }

    @Test("only Tandem's own host, listed hosts and plain relative paths are allowed")
    func allowList() {
        let list = LinkAllowList(baseURL: "https://tandem.example.com", hosts: ["benefits.example.com"])
        #expect(list.allows("https://tandem.example.com/feed/posts/3"))
        #expect(list.allows("https://Benefits.Example.com/enrol?x=1"))
        #expect(list.allows("/feed/posts/3"))
        #expect(!list.allows("//evil.example.net/x"), "protocol-relative")
        #expect(!list.allows("/\\evil.example.net"))
        #expect(!list.allows("https://evil.example.net/"))
        #expect(!list.allows("https://benefits.example.com.evil.net/"))
        #expect(!list.allows("https://user@benefits.example.com/"))
        #expect(!list.allows("javascript:alert(1)"))
        #expect(!list.allows("ftp://benefits.example.com/"))
    }

    @Test("dwell time sorts a view into glanced, skimmed or read")
    func dwell() {
        #expect(EventKind.dwell(milliseconds: 0) == .glanced)
        #expect(EventKind.dwell(milliseconds: 2_999) == .glanced)
        #expect(EventKind.dwell(milliseconds: 3_000) == .skimmed)
        #expect(EventKind.dwell(milliseconds: 8_000) == .skimmed)
        #expect(EventKind.dwell(milliseconds: 8_001) == .read)
        #expect(EventKind.reached.reaches(on: .any) == false)
        #expect(EventKind.delivered.reaches(on: .sms) && !EventKind.delivered.reaches(on: .email))
    }
}
