@testable import Feed
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

@Suite("The feed page cache follows every change")
struct FeedPageCacheTests {
    @Test("acknowledgements, reactions and withdrawals show at once; another process's changes after its poll; a page read across a change is not kept",
          arguments: TestDatabase.kinds)
    func follows(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            var people = DemoPeople.generate(count: 5, today: EmployeeRules.today())
            for index in people.indices {
                people[index].workEmail = "cache\(index)@example.com"
                people[index].language = "en"
                people[index].terminationDate = nil
                people[index].hireDate = "2020-01-01"
            }
            try await services.people.employees.upsert(people, summary: "seed", by: .system)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let approverUser = try await services.user("approver@example.com", [.approver])
            let approver = try await services.token(for: approverUser)
            func api(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, as token: String? = nil) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: bearer(token ?? comms, json: body != nil), body: body.map { ByteBuffer(string: $0) })
            }
            let topic = try #require(try json(try await api(.post, "/api/v1/topics", #"{"name":"News","stages":[{"approver_ids":[\#(approverUser.id)],"rule":"any"}]}"#))["id"] as? Int)
            func publish(_ title: String, ack: Bool) async throws -> Int {
                let post = try #require(try json(try await api(.post, "/api/v1/posts", #"""
                    {"fallback_language":"en","topic_ids":[\#(topic)],"channels":["feed"],"requires_acknowledgement":\#(ack),
                     "variants":[{"language":"en","title":"\#(title)","body":"Text"}]}
                    """#))["id"] as? Int)
                #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", #"{"action":"submit","version":1}"#).status == .ok)
                #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", #"{"action":"approve","version":1}"#, as: approver).status == .ok)
                #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", #"{"action":"publish","version":1}"#).status == .ok)
                _ = try await services.delivery.scheduler.tick()
                return post
            }
            let first = try await publish("Canteen reopens", ack: true)
            _ = try await services.delivery.worker.drain(now: { Date().addingTimeInterval(1) })

            let reader = try #require(try await services.feed.links.recipient(for: .email("cache0@example.com"))).employeeID
            let session = try await services.feed.sessions.create(employeeID: reader, via: "test", requestID: nil)
            let cookie: HTTPFields = [.cookie: "tandem_session=\(session.token)"]
            func feed() async throws -> String { String(buffer: try await client.execute(uri: "/feed", method: .get, headers: cookie, body: nil).body) }
            func listed() async throws -> [String: Any] { try json(try await client.execute(uri: "/api/v1/feed", method: .get, headers: cookie, body: nil)) }

            var html = try await feed()
            #expect(html.contains("Canteen reopens") && html.contains("1 post needs your acknowledgement"))
            #expect(services.feed.pages.page(reader) != nil, "the first page is kept")

            // The reader's own acknowledgement and reaction drop their page at once.
            _ = try await services.feed.store.acknowledge(reader, post: Int64(first))
            #expect(services.feed.pages.page(reader) == nil)
            html = try await feed()
            #expect(!html.contains("needs your acknowledgement") && html.contains("Acknowledged"))
            try await services.feed.store.react(reader, post: Int64(first), .celebrate)
            #expect(((try await listed())["data"] as? [[String: Any]])?.first?["my_reaction"] as? String == "celebrate")

            // Another process sends a post to the feed (its worker, with its own signal): this
            // page stays as it was read until the poller learns of the change from feed_changes.
            let second = try await publish("Parking closed Friday", ack: false)
            // Read the page again right before the change, so the cache's 15-second age limit
            // cannot be what drops it on a slow, busy machine.
            #expect(!(try await feed()).contains("Parking closed Friday"), "its deliveries are not sent yet")
            let other = FeedSignal(origin: "node-b")
            try await services.database.transaction { db in
                try await db.raw("UPDATE deliveries SET state = 'sent', sent_at = 1 WHERE post_id = \(bind: Int64(second)) AND channel = 'feed'").run()
                try await other.record(.everyone, on: db)
            }
            #expect(!(try await feed()).contains("Parking closed Friday"), "the page is served from the cache until the poll")
            let poller = FeedChangePoller(database: services.database, logger: .init(label: "test"))
            var seen: [Int64: Int64] = [:]
            let since = try await poller.poll(since: Millis.from(Date()), seen: &seen)
            #expect(seen.count == 1)
            #expect((try await feed()).contains("Parking closed Friday"))
            // A second pass over the same window changes nothing; this process's own changes are skipped.
            _ = try await feed()
            _ = try await poller.poll(since: since, seen: &seen)
            #expect(services.feed.pages.page(reader) != nil && seen.count == 1)

            // Withdrawing a post takes it out of the feed at once.
            #expect(try await api(.post, "/api/v1/posts/\(second)/transitions", #"{"action":"withdraw","version":1}"#).status == .ok)
            #expect(!(try await feed()).contains("Parking closed Friday"))

            // A page read while a feed changed is served but not kept.
            let page = try await services.feed.pages.fill(999_999) {
                services.database.feedSignal.notify(.employee(424_242))
                let empty = FeedReader(employeeID: 999_999, language: "en", timeZone: "UTC", site: nil)
                return FeedPageCache.Page(reader: empty, pinned: [], entries: [], next: nil, waiting: 0, html: "<p>x</p>")
            }
            #expect(page.html == "<p>x</p>" && services.feed.pages.page(999_999) == nil)
        }
    }
}
