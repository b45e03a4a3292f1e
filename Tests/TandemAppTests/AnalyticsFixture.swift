import Engagement
import Foundation
import HummingbirdTesting
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// People, a topic and published, delivered posts for analytics tests, made through the API as
/// users would; events are then recorded with the engagement writer.
struct AnalyticsFixture {
    let services: TandemServices
    let api: Caller
    let comms: String
    let approverID: Int64
    let approver: String
    let topic: Int
    /// Employee ids by employee number ("AF0", "AF1", …).
    let people: [String: Int64]

    /// `count` people; `shape` sets each one's attributes by index.
    static func make(_ client: any TestClientProtocol, _ services: TandemServices, count: Int, shape: (Int, inout Employee) -> Void) async throws -> AnalyticsFixture {
        var staff = DemoPeople.generate(count: count, today: EmployeeRules.today())
        for index in staff.indices {
            staff[index].employeeId = "AF\(index)"
            staff[index].language = "en"
            staff[index].terminationDate = nil
            staff[index].hireDate = "2020-01-01"
            shape(index, &staff[index])
        }
        try await services.people.employees.upsert(staff, summary: "seed", by: .system)
        let people = Dictionary(uniqueKeysWithValues: try await services.database.reader.raw("SELECT id, employee_id FROM employees").all().map {
            (try $0.decode(column: "employee_id", as: String.self), try $0.decode(column: "id", as: Int64.self))
        })
        let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
        let approverUser = try await services.user("approver@example.com", [.approver])
        let approver = try await services.token(for: approverUser)
        let api = Caller(client: client)
        let topic = try #require(try json(try await api(.post, "/api/v1/topics", comms, #"{"name":"Benefits","stages":[{"approver_ids":[\#(approverUser.id)],"rule":"any"}]}"#))["id"] as? Int)
        return AnalyticsFixture(services: services, api: api, comms: comms, approverID: approverUser.id, approver: approver, topic: topic, people: people)
    }

    func campaign(_ name: String) async throws -> Int {
        try #require(try json(try await api(.post, "/api/v1/campaigns", comms, #"""
            {"name":"\#(name)","owner_teams":["hr","ic"],"starts_on":"2026-01-01","ends_on":"2027-12-31","outcome_metric":"Enrolment"}
            """#))["id"] as? Int)
    }

    /// Publishes a post to everyone on `channels` and delivers it; its id.
    func publish(_ title: String, channels: [String] = ["feed"], campaign: Int? = nil, requiresAck: Bool = false, body: String = "Choose your plan.") async throws -> Int64 {
        let campaignField = campaign.map { #","campaign_id":\#($0)"# } ?? ""
        let channelList = channels.map { "\"\($0)\"" }.joined(separator: ",")
        let created = try json(try await api(.post, "/api/v1/posts", comms, #"""
            {"fallback_language":"en","topic_ids":[\#(topic)],"channels":[\#(channelList)],"requires_acknowledgement":\#(requiresAck)\#(campaignField),
             "variants":[{"language":"en","title":"\#(title)","body":"\#(body)"}]}
            """#))
        let post = try #require(created["id"] as? Int, "\(created)")
        #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", comms, #"{"action":"submit","version":1}"#).status == .ok)
        #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", approver, #"{"action":"approve","version":1}"#).status == .ok)
        #expect(try await api(.post, "/api/v1/posts/\(post)/transitions", comms, #"{"action":"publish","version":1}"#).status == .ok)
        _ = try await services.delivery.scheduler.tick()
        _ = try await services.delivery.worker.drain(now: { Date().addingTimeInterval(1) })
        return Int64(post)
    }

    /// Records `kind` on `channel` for the given people, at `at`.
    func record(_ kind: EventKind, post: Int64, people codes: [String], channel: EventChannel = .feed, at: Date = Date()) async throws {
        let events = codes.map { code in
            EngagementEvent(postID: post, employeeID: people[code]!, channel: channel, kind: kind, occurredAt: Millis.from(at), dedupe: "fx.\(post).\(code).\(channel).\(kind).\(UUID().uuidString)")
        }
        _ = try await services.analytics.engagement.writer.record(events)
    }
}
