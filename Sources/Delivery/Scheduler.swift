public import Content
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// One pass of the delivery loop: publish scheduled posts whose time has come, then walk the
/// audience of every published post not yet resolved. Safe to run in several processes at once:
/// publishing goes through the workflow (a post already published is refused and skipped) and
/// walks hold a lease.
public struct Scheduler: Sendable {
    let database: Database
    let posts: PostStore
    let fanOut: FanOut

    public init(database: Database, posts: PostStore, fanOut: FanOut) {
        self.database = database
        self.posts = posts
        self.fanOut = fanOut
    }

    public struct Pass: Sendable, Equatable {
        public var published: [Int64] = []
        public var resolved: [SendSummary] = []
    }

    public func tick(now: Date = Date()) async throws -> Pass {
        var pass = Pass()
        let dueFixed = Millis.from(now), dueLocal = Millis.from(now.addingTimeInterval(RecipientPlan.earliestZoneLead))
        let due = try await database.reader.raw("""
            SELECT id, version FROM posts WHERE state = \(bind: PostState.scheduled.rawValue) AND (
                (schedule_zone <> \(bind: PostSchedule.recipientZone) AND publish_at <= \(bind: dueFixed)) OR
                (schedule_zone = \(bind: PostSchedule.recipientZone) AND publish_at <= \(bind: dueLocal)))
            ORDER BY publish_at, id LIMIT 100
            """).all()
        for row in due {
            let id = try row.decode(column: "id", as: Int64.self)
            do {
                _ = try await posts.transition(id, .publish, expectedVersion: nil, by: nil)
                pass.published.append(id)
            } catch let error as AppError where error.status == .conflict || error.status == .forbidden {
                // Published by another process, or edited back to review meanwhile.
                continue
            }
        }
        let waiting = try await database.reader.raw("""
            SELECT p.id FROM posts p LEFT JOIN post_sends s ON s.post_id = p.id
            WHERE p.state = \(bind: PostState.published.rawValue) AND (s.post_id IS NULL OR s.state = \(bind: SendState.resolving.rawValue))
            ORDER BY p.id LIMIT 20
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
        for id in waiting {
            guard let post = try await posts.find(id: id), post.state == .published else { continue }
            if let summary = try await fanOut.run(post, now: now) { pass.resolved.append(summary) }
        }
        return pass
    }
}
