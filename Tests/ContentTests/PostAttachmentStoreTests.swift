@testable import Content
import Foundation
import SQLKit
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Post files: cover and attachments on the database and on disk")
struct PostAttachmentStoreTests {
    func withStore(_ kind: DatabaseKind, _ body: (Newsroom, PostAttachmentStore, DiskBlobStore) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await TestDatabase.with(kind, migrator: contentMigrator) { (database: Database) async throws in
            let blobs = DiskBlobStore(root: folder)
            try await body(try await Newsroom.make(database), PostAttachmentStore(database: database, blobs: blobs), blobs)
        }
    }

    @Test("a cover (an image with a description, one per post) and files; each change is a version in the history", arguments: TestDatabase.kinds)
    func coverAndFiles(kind: DatabaseKind) async throws {
        try await withStore(kind) { room, files, blobs in
            let post = try await room.posts.create(room.content(), by: room.author)
            let noAlt = await #expect(throws: AppError.self) { try await files.add(to: post.id, bytes: Samples.png, fileName: "hero.png", declaredType: nil, role: .cover, altText: "", by: room.author) }
            #expect(noAlt?.field == "alt_text")
            let notImage = await #expect(throws: AppError.self) { try await files.add(to: post.id, bytes: Samples.pdf, fileName: "rules.pdf", declaredType: nil, role: .cover, altText: "Rules", by: room.author) }
            #expect(notImage?.field == "file")
            let renamed = await #expect(throws: AppError.self) { try await files.add(to: post.id, bytes: Samples.pdf, fileName: "rules.png", declaredType: nil, role: .file, altText: "", by: room.author) }
            #expect(renamed?.message.contains("PDF") == true)

            let cover = try await files.add(to: post.id, bytes: Samples.png, fileName: "hero.png", declaredType: "image/png", role: .cover, altText: "Two colleagues at a loading dock", by: room.author)
            #expect(cover.kind == .png && cover.role == .cover && cover.altText == "Two colleagues at a loading dock" && cover.byteCount == Samples.png.count)
            #expect(try await blobs.get(cover.blob) == Samples.png, "the bytes are on disk under their hash")
            let pdf = try await files.add(to: post.id, bytes: Samples.pdf, fileName: "../../Safety rules.pdf", declaredType: nil, role: .file, altText: "", by: room.author)
            #expect(pdf.fileName == "Safety rules.pdf", "paths are stripped from names")
            let second = try await files.add(to: post.id, bytes: Samples.jpeg, fileName: "hero2.jpg", declaredType: nil, role: .cover, altText: "The new site", by: room.author)
            #expect(try await files.list(post.id).map(\.id) == [second.id, pdf.id], "a new cover replaces the old one")

            let saved = try #require(try await room.posts.find(id: post.id))
            #expect(saved.version == 4 && saved.state == .draft)
            let notes = try await room.posts.events(of: post.id).map(\.note)
            #expect(notes.contains("added cover hero2.jpg (replacing hero.png)") && notes.contains("added file Safety rules.pdf"))
            #expect(try await room.posts.versions(of: post.id).count == 4)
        }
    }

    @Test("changing the files of an approved post sends it back to review; a published post's files cannot change", arguments: TestDatabase.kinds)
    func workflow(kind: DatabaseKind) async throws {
        try await withStore(kind) { room, files, _ in
            var post = try await room.posts.create(room.content(), by: room.author)
            post = try await room.posts.transition(post.id, .submit, expectedVersion: post.version, by: room.author)
            post = try await room.posts.transition(post.id, .approve, expectedVersion: post.version, by: room.approvers[0])
            #expect(post.state == .approved)
            let file = try await files.add(to: post.id, bytes: Samples.text, fileName: "plan.txt", declaredType: nil, role: .file, altText: "", by: room.author)
            post = try #require(try await room.posts.find(id: post.id))
            #expect(post.state == .inReview, "approvals were for the files as they were")
            post = try await room.posts.transition(post.id, .approve, expectedVersion: post.version, by: room.approvers[0])
            post = try await room.posts.transition(post.id, .publish, expectedVersion: post.version, by: room.editor)
            let refused = await #expect(throws: AppError.self) { try await files.remove(file.id, from: post.id, by: room.author) }
            #expect(refused?.status == .conflict)
            #expect(try await files.list(post.id).count == 1, "nothing was removed")
            let outsider = await #expect(throws: AppError.self) { try await files.add(to: post.id, bytes: Samples.text, fileName: "x.txt", declaredType: nil, role: .file, altText: "", by: room.approvers[0]) }
            #expect(outsider?.status == .forbidden || outsider?.status == .conflict)
        }
    }

    @Test("removing a file deletes its bytes only when no other post shares them", arguments: TestDatabase.kinds)
    func sharedBlobs(kind: DatabaseKind) async throws {
        try await withStore(kind) { room, files, blobs in
            let a = try await room.posts.create(room.content(), by: room.author), b = try await room.posts.create(room.content(), by: room.author)
            let first = try await files.add(to: a.id, bytes: Samples.pdf, fileName: "a.pdf", declaredType: nil, role: .file, altText: "", by: room.author)
            let again = try await files.add(to: b.id, bytes: Samples.pdf, fileName: "b.pdf", declaredType: nil, role: .file, altText: "", by: room.author)
            #expect(first.blob == again.blob)
            let wrongPost = await #expect(throws: AppError.self) { try await files.remove(first.id, from: b.id, by: room.author) }
            #expect(wrongPost?.status == .notFound)
            try await files.remove(first.id, from: a.id, by: room.author)
            #expect(try await blobs.exists(again.blob), "post b still uses the bytes")
            try await files.remove(again.id, from: b.id, by: room.author)
            #expect(try await !blobs.exists(again.blob), "the last user removed: the bytes go")
        }
    }
}
