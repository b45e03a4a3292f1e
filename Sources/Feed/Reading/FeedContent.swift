public import Content
import Foundation
import Synchronization
import TandemStore

/// The published versions of posts, as feed readers see them. A version never changes, so an
/// entry stays right for as long as it is kept; the map is bounded and starts over when full.
public final class FeedContent: Sendable {
    public struct Entry: Sendable {
        public let content: PostContent
        public let topics: [String]
    }

    private let entries = Mutex<[String: Entry]>([:])
    let posts: PostStore
    let database: Database
    /// Names this database in the process-wide fragment cache: post ids repeat across
    /// databases (tests run several apps in one process), rendered cards must not.
    let cacheNamespace = UUID().uuidString

    public init(posts: PostStore, database: Database) {
        self.posts = posts
        self.database = database
    }

    public func entry(_ postID: Int64, version: Int) async throws -> Entry? {
        let key = "\(postID)|\(version)"
        if let hit = entries.withLock({ $0[key] }) { return hit }
        guard let content = try await posts.version(version, of: postID)?.content else { return nil }
        var topics: [String] = []
        if !content.topicIDs.isEmpty {
            topics = try await database.reader.raw("SELECT name FROM topics WHERE id IN (\(binds: content.topicIDs)) ORDER BY name").all()
                .map { try $0.decode(column: "name", as: String.self) }
        }
        let entry = Entry(content: content, topics: topics)
        entries.withLock { entries in
            if entries.count >= 20_000 { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
        return entry
    }
}
