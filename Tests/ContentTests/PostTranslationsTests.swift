import Accounts
@testable import Content
import Foundation
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// A provider for the store's logic; the HTTP adapter is tested against a LibreTranslate stand-in.
struct ShoutingTranslator: TranslationProvider {
    var name: String { "test" }
    func translate(_ texts: [String], from source: String, to target: String) async throws -> [String] {
        if target == "xx" { throw TranslationError("xx is not supported") }
        return texts.map { "\(target): \($0.uppercased())" }
    }
}

@Suite("Translation requests")
struct PostTranslationsTests {
    @Test("a requested language waits for its translator, blocks scheduling until translated, and is listed", arguments: TestDatabase.kinds)
    func lifecycle(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let room = try await Newsroom.make(database)
            let service = PostTranslations(database: database, posts: room.posts, provider: ShoutingTranslator())
            var post = try await room.posts.create(room.content(), by: room.author)
            post = try await service.request(post: post.id, language: "de", translatorID: room.editor.userID, machine: false, expectedVersion: 1, by: room.author)
            #expect(post.version == 2 && post.content.variants.map(\.language) == ["de", "en"])
            post = try await service.request(post: post.id, language: "fr", translatorID: nil, machine: true, expectedVersion: 2, by: room.author)
            let fr = try #require(post.content.variants.first { $0.language == "fr" })
            #expect(fr.title == "fr: ENROL BY FRIDAY (EN)" && fr.status == .needsTranslation && fr.bodyHTML.contains("fr: GO TO"))

            #expect(try await service.tasks(assignedTo: room.editor.userID).map(\.language) == ["de"])
            #expect(Set(try await service.tasks(assignedTo: nil).map(\.language)) == ["de", "fr"])
            #expect(try await service.translators().map(\.name).contains("Eli"))
            #expect(!(try await service.translators().map(\.name).contains("Ada")), "approvers do not edit posts")

            func code(_ body: () async throws -> Void) async -> String? {
                do { try await body(); return nil } catch let error as AppError { return error.code } catch { return "\(error)" }
            }
            #expect(await code { _ = try await service.request(post: post.id, language: "DE", translatorID: nil, machine: false, expectedVersion: 3, by: room.author) } == "conflict")
            #expect(await code { _ = try await service.request(post: post.id, language: "es", translatorID: room.approvers[0].userID, machine: false, expectedVersion: 3, by: room.author) } == "invalid_field")
            #expect(await code { _ = try await service.request(post: post.id, language: "xx", translatorID: nil, machine: true, expectedVersion: 3, by: room.author) } == "translation_failed")
            let manual = PostTranslations(database: database, posts: room.posts, provider: nil)
            #expect(await code { _ = try await manual.request(post: post.id, language: "es", translatorID: nil, machine: true, expectedVersion: 3, by: room.author) } == "no_translation_service")
            #expect(try await room.posts.find(id: post.id)?.version == 3, "refusals save nothing")

            post = try await room.posts.transition(post.id, .submit, expectedVersion: 3, by: room.author)
            post = try await room.posts.transition(post.id, .approve, expectedVersion: 3, by: room.approvers[0])
            let later = Date().addingTimeInterval(86_400)
            #expect(await code { _ = try await room.posts.transition(post.id, .schedule(at: later), expectedVersion: 3, by: room.author) } == "translation_pending")
            #expect(await code { _ = try await room.posts.transition(post.id, .publish, expectedVersion: 3, by: room.author) } == "translation_pending")

            var content = post.content
            for index in content.variants.indices { content.variants[index].status = .translated }
            post = try await room.posts.update(post.id, content, expectedVersion: 3, by: room.editor)
            post = try await room.posts.transition(post.id, .approve, expectedVersion: 4, by: room.approvers[0])
            post = try await room.posts.transition(post.id, .schedule(at: later), expectedVersion: 4, by: room.author)
            #expect(post.state == .scheduled)
            #expect(try await service.tasks(assignedTo: nil).isEmpty == false, "translated but not approved versions stay listed until approved")
        }
    }
}
