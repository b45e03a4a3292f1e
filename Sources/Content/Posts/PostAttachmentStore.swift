public import Audit
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Uploads and removes a post's files. The bytes go to the blob store first (content-addressed,
/// so a retried upload writes nothing new); the row, the post's new version and its history go
/// in one transaction. Changing the files of an approved or scheduled post sends it back to
/// review, like editing its text.
public struct PostAttachmentStore: Sendable {
    let database: Database
    let blobs: any BlobStore
    let policy: AttachmentPolicy

    public init(database: Database, blobs: any BlobStore, policy: AttachmentPolicy = AttachmentPolicy()) {
        self.database = database
        self.blobs = blobs
        self.policy = policy
    }

    public func add(to postID: Post.ID, bytes: Data, fileName: String, declaredType: String?, role: PostAttachment.Role, altText rawAlt: String,
                    by actor: PostActor) async throws -> PostAttachment {
        let checked = try policy.check(bytes, fileName: fileName, declaredType: declaredType)
        let alt = try TextRules.singleLine(rawAlt.isEmpty && role == .file ? "-" : rawAlt, field: "alt_text", label: "The image description", range: 1...300)
        if role == .cover {
            guard checked.kind.isImage else {
                throw AppError.invalid("file", "A cover must be a PNG, JPEG, GIF or WebP image; '\(checked.fileName)' is \(checked.kind.label). Attach it as a file instead.")
            }
        }
        let key = try await blobs.put(bytes)
        let now = Millis.from(Date())
        return try await database.transaction { db in
            let post = try await Self.changeable(postID, version: nil, by: actor, on: db)
            let count = try await db.raw("SELECT COUNT(*) AS n FROM post_attachments WHERE post_id = \(bind: postID)").first()?.decode(column: "n", as: Int64.self) ?? 0
            if role == .file && count >= PostAttachment.maximumPerPost {
                throw AppError.conflict("A post has at most \(PostAttachment.maximumPerPost) files. Remove one first.")
            }
            var replaced: String?
            if role == .cover, let old = try await db.raw("SELECT id, file_name FROM post_attachments WHERE post_id = \(bind: postID) AND role = 'cover'").first() {
                replaced = try old.decode(column: "file_name", as: String.self)
                try await db.raw("DELETE FROM post_attachments WHERE id = \(bind: try old.decode(column: "id", as: Int64.self))").run()
            }
            let row = try await db.raw("""
                INSERT INTO post_attachments (post_id, role, blob, kind, file_name, byte_count, alt_text, uploaded_by, created_at)
                VALUES (\(bind: postID), \(bind: role.rawValue), \(bind: key.hex), \(bind: checked.kind.rawValue), \(bind: checked.fileName),
                        \(bind: Int64(checked.byteCount)), \(bind: role == .file ? "" : alt), \(bind: actor.name), \(bind: now))
                RETURNING id
                """).first()
            let id = try row!.decode(column: "id", as: Int64.self)
            let what = role == .cover ? "cover \(checked.fileName)" + (replaced.map { " (replacing \($0))" } ?? "") : "file \(checked.fileName)"
            try await Self.recordChange(post, note: "added \(what)", action: "post.attachment_add", by: actor, on: db)
            return try await Self.find(id, on: db)!
        }
    }

    public func remove(_ attachmentID: PostAttachment.ID, from postID: Post.ID, by actor: PostActor) async throws {
        let orphan = try await database.transaction { db -> BlobKey? in
            guard let attachment = try await Self.find(attachmentID, on: db), attachment.postID == postID else { throw AppError.notFound("File") }
            let post = try await Self.changeable(postID, version: nil, by: actor, on: db)
            try await db.raw("DELETE FROM post_attachments WHERE id = \(bind: attachmentID)").run()
            try await Self.recordChange(post, note: "removed \(attachment.role == .cover ? "cover" : "file") \(attachment.fileName)", action: "post.attachment_remove", by: actor, on: db)
            let others = try await db.raw("SELECT COUNT(*) AS n FROM post_attachments WHERE blob = \(bind: attachment.blob.hex)").first()?.decode(column: "n", as: Int64.self) ?? 0
            return others == 0 ? attachment.blob : nil
        }
        // After the commit: a crash here leaves an unreferenced file, never a row without its bytes.
        if let orphan { try? await blobs.delete(orphan) }
    }

    public func list(_ postID: Post.ID) async throws -> [PostAttachment] {
        try await Self.list(postID, on: database.reader)
    }

    public func find(_ id: PostAttachment.ID) async throws -> PostAttachment? {
        try await Self.find(id, on: database.reader)
    }

    /// The bytes of a file, or nil when the blob is missing (reported, not hidden).
    public func bytes(of attachment: PostAttachment) async throws -> Data? {
        try await blobs.get(attachment.blob)
    }

    // MARK: helpers

    /// The post, if its files may change now (the workflow's edit rule decides).
    static func changeable(_ id: Post.ID, version: Int?, by actor: PostActor, on db: any SQLDatabase) async throws -> Post {
        guard let post = try await PostStore.load(id, on: db) else { throw AppError.notFound("Post") }
        _ = try PostWorkflow.apply(.edit, by: actor.workflow, to: try await PostStore.facts(post, on: db))
        return post
    }

    /// A file change is an edit: a new version (same text) and, for approved or scheduled posts,
    /// back to review.
    static func recordChange(_ post: Post, note: String, action: String, by actor: PostActor, on db: any SQLDatabase) async throws {
        let next = try PostWorkflow.apply(.edit, by: actor.workflow, to: try await PostStore.facts(post, on: db))
        let version = post.version + 1
        let now = Millis.from(Date())
        try await db.raw("""
            UPDATE posts SET state = \(bind: next.state.rawValue), stage = \(bind: Int64(next.stage)),
                publish_at = \(bind: post.state == .scheduled ? nil : post.publishAt.map(Millis.from)),
                version = \(bind: Int64(version)), updated_by_id = \(bind: actor.userID), updated_by = \(bind: actor.name), updated_at = \(bind: now)
            WHERE id = \(bind: post.id) AND version = \(bind: Int64(post.version))
            """).run()
        try await PostStore.snapshot(post.content, post: post.id, version: version, by: actor.name, at: now, on: db)
        let full = note + (post.state != next.state ? "; back to review" : "")
        try await PostStore.event(post: post.id, version: version, action: "edit", from: post.state, to: next.state, note: full, by: actor.name, at: now, on: db)
        try await AuditStore.append(
            AuditEntry(action: action, entityType: "post", entityID: String(post.id), summary: "\(full.capitalizedFirst) on \"\(post.title)\" (version \(version))"),
            by: actor.audit, on: db)
    }

    static func list(_ postID: Post.ID, on db: any SQLDatabase) async throws -> [PostAttachment] {
        try await db.raw("SELECT * FROM post_attachments WHERE post_id = \(bind: postID) ORDER BY role, id").all().compactMap(attachment)
    }

    static func find(_ id: PostAttachment.ID, on db: any SQLDatabase) async throws -> PostAttachment? {
        try await db.raw("SELECT * FROM post_attachments WHERE id = \(bind: id)").first().flatMap(attachment)
    }

    static func attachment(_ row: any SQLRow) throws -> PostAttachment? {
        guard let key = BlobKey(hex: try row.decode(column: "blob", as: String.self)),
              let kind = AttachmentKind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
        return PostAttachment(
            id: try row.decode(column: "id", as: Int64.self), postID: try row.decode(column: "post_id", as: Int64.self),
            role: PostAttachment.Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .file, blob: key, kind: kind,
            fileName: try row.decode(column: "file_name", as: String.self), byteCount: Int(try row.decode(column: "byte_count", as: Int64.self)),
            altText: try row.decode(column: "alt_text", as: String.self), uploadedBy: try row.decode(column: "uploaded_by", as: String.self),
            createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)))
    }
}
