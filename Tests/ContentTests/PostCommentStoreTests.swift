import Accounts
import Audit
@testable import Content
import Foundation
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Post comments, mentions and what reviewers have seen")
struct PostCommentStoreTests {
    static func comments(_ database: Database) -> PostCommentStore {
        PostCommentStore(database: database, render: { "<p>" + $0.replacingOccurrences(of: "<", with: "&lt;") + "</p>" })
    }

    @Test("threads, replies, mentions in the inbox until read, resolve and reopen, removal by the author only", arguments: TestDatabase.kinds)
    func threads(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let store = Self.comments(database)
            let post = try await room.posts.create(room.content(), by: room.author)
            let ada = room.approvers[0], ben = room.approvers[1]

            let first = try await store.add(post: post.id, body: "@ada can you check the **dates**? cc @ben@example.com", replyTo: nil, by: room.author)
            #expect(first.threadID == nil && first.postVersion == 1 && first.mentioned == ["Ada", "Ben"])
            #expect(first.bodyHTML.hasPrefix("<p>"))
            let reply = try await store.add(post: post.id, body: "Dates are fine. @ana", replyTo: first.id, by: ada)
            // A reply to a reply joins the same thread.
            let second = try await store.add(post: post.id, body: "Thanks!", replyTo: reply.id, by: room.author)
            #expect(reply.threadID == first.id && second.threadID == first.id)
            _ = try await store.add(post: post.id, body: "Another point", replyTo: nil, by: room.editor)

            let threads = try await store.threads(of: post.id)
            #expect(threads.count == 2 && threads[0].replies.map(\.id) == [reply.id, second.id])
            #expect(try await store.unreadCount(for: ada.userID) == 1)
            #expect(try await store.unreadCount(for: room.author.userID) == 1)
            let inbox = try await store.mentions(for: ben.userID, unreadOnly: true)
            #expect(inbox.map(\.postTitle) == ["Enrol by Friday (en)"] && inbox[0].authorName == "Ana" && inbox[0].excerpt.hasPrefix("@ada can you"))
            try await store.markRead(post: post.id, userID: ben.userID)
            #expect(try await store.mentions(for: ben.userID, unreadOnly: true).isEmpty)
            #expect(try await store.mentions(for: ben.userID, unreadOnly: false).count == 1)

            let resolved = try await store.resolve(thread: first.id, post: post.id, resolved: true, by: ada)
            #expect(resolved.isResolved && resolved.root.resolvedBy == "Ada")
            await #expect(throws: AppError.self) { try await store.resolve(thread: reply.id, post: post.id, resolved: true, by: ada) }
            _ = try await store.add(post: post.id, body: "One more thing", replyTo: first.id, by: ben)
            #expect(try await store.threads(of: post.id)[0].isResolved == false, "a reply reopens the thread")

            await #expect(throws: AppError.self) { try await store.delete(first.id, post: post.id, by: ada) }
            try await store.delete(first.id, post: post.id, by: room.author)
            let after = try await store.threads(of: post.id)[0]
            #expect(after.root.isDeleted && after.root.body.isEmpty && after.replies.count == 3, "replies stay")
            #expect(try await store.unreadCount(for: ada.userID) == 0, "a removed comment's mentions go too")
        }
    }

    @Test("bad comments are refused with what to do, and nothing is written", arguments: TestDatabase.kinds)
    func refusals(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let store = Self.comments(database)
            let users = UserStore(database: database)
            _ = try await users.create(try NewUser(email: "ada@other.test", displayName: "Ada Two", roles: ["approver"], teamID: nil), passwordHash: "x", mustChangePassword: false, by: .system)
            _ = try await users.create(try NewUser(email: "emp@example.com", displayName: "Emp", roles: ["analyst"], teamID: nil), passwordHash: "x", mustChangePassword: false, by: .system)
            let post = try await room.posts.create(room.content(), by: room.author)
            let other = try await room.posts.create(room.content(), by: room.author)
            let mine = try await store.add(post: other.id, body: "elsewhere", replyTo: nil, by: room.author)

            func refused(_ body: String, replyTo: Int64? = nil, postID: Int64? = nil) async -> String {
                do {
                    _ = try await store.add(post: postID ?? post.id, body: body, replyTo: replyTo, by: room.author)
                    return "saved"
                } catch let error as AppError { return error.message } catch { return "\(error)" }
            }
            #expect(await refused("   ").contains("Write something"))
            #expect(await refused(String(repeating: "x", count: 5_001)).contains("at most 5000"))
            #expect(await refused("bell \u{7}").contains("control characters"))
            #expect(await refused("@nobody look").contains("Nobody is @nobody"))
            #expect(await refused("@ada look").contains("ada@example.com or ada@other.test"))
            #expect(await refused("@emp look").contains("cannot read posts"))
            #expect(await refused("reply", replyTo: mine.id).contains("not on this post"))
            let missing = await refused("x", postID: 999_999)
            #expect(missing.contains("not found"), "\(missing)")
            #expect(try await store.threads(of: post.id).isEmpty)

            // The whole address settles an ambiguous name.
            let ok = try await store.add(post: post.id, body: "@ada@other.test fine", replyTo: nil, by: room.author)
            #expect(ok.mentioned == ["Ada Two"])

            // Once published, comments close.
            var published = try await room.posts.transition(post.id, .submit, expectedVersion: 1, by: room.author)
            published = try await room.posts.transition(post.id, .approve, expectedVersion: 1, by: room.approvers[0])
            published = try await room.posts.transition(post.id, .publish, expectedVersion: 1, by: room.author)
            #expect(published.state == .published)
            #expect(await refused("late").contains("Comments are closed"))
        }
    }

    @Test("the last version seen only moves forward", arguments: TestDatabase.kinds)
    func views(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let views = PostViewStore(database: database)
            let post = try await room.posts.create(room.content(), by: room.author)
            let ada = room.approvers[0].userID
            #expect(try await views.lastSeen(post: post.id, userID: ada) == nil)
            try await views.markSeen(post: post.id, userID: ada, version: 2)
            try await views.markSeen(post: post.id, userID: ada, version: 1)
            #expect(try await views.lastSeen(post: post.id, userID: ada) == 2)
            try await views.markSeen(post: post.id, userID: ada, version: 3)
            #expect(try await views.lastSeen(posts: [post.id, 42], userID: ada) == [post.id: 3])
        }
    }

    @Test("a diff names what changed between versions, field by field", arguments: TestDatabase.kinds)
    func diff(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let post = try await room.posts.create(room.content(languages: ["en", "de"]), by: room.author)
            var content = post.content
            let de = try #require(content.variants.firstIndex { $0.language == "de" })
            content.variants[de].title = "Bis Montag anmelden"
            content.variants[de].body = "Go to **the portal**.\nBring your ID."
            content.variants[de].channelTexts[.sms] = "Enrol by Monday"
            content.priority = .important
            content.tags = ["401k"]
            content.channels = [.feed, .email, .sms]
            _ = try await room.posts.update(post.id, content, expectedVersion: 1, by: room.author)
            let v1 = try #require(try await room.posts.version(1, of: post.id)), v2 = try #require(try await room.posts.version(2, of: post.id))
            let diff = PostDiff.compare(v1.content, version: 1, with: v2.content, version: 2)
            #expect(diff.changes.map(\.field) == ["Title (de)", "Body (de)", "SMS text (de)", "Channels", "Priority", "Tags"])
            let body = diff.changes[1]
            #expect(body.kind == .lines && body.pieces == [.init(.same, "Go to **the portal**."), .init(.added, "Bring your ID.")])
            #expect(diff.changes[3].old == "Feed, Email" && diff.changes[3].new == "Feed, Email, SMS")
            #expect(PostDiff.compare(v1.content, version: 1, with: v1.content, version: 1).isEmpty)
        }
    }
}
