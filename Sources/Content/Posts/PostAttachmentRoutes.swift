import Foundation
import Hummingbird
import NIOCore
import TandemCore
import TandemUI

/// A post's cover image and files: upload (form or API), download, remove.
struct PostAttachmentRoutes {
    let feature: ContentFeature
    var attachments: PostAttachmentStore { feature.attachments }

    static let schema = Schema.object([
        Schema.Property("id", .id), Schema.Property("post_id", .id), Schema.Property("role", .enumeration(PostAttachment.Role.allCases.map(\.rawValue))),
        Schema.Property("kind", .enumeration(AttachmentKind.allCases.map(\.rawValue))), Schema.Property("file_name", .text),
        Schema.Property("byte_count", .integer(minimum: 1)), Schema.Property("alt_text", .text), Schema.Property("sha256", .text),
        Schema.Property("url", .text, description: "Where to download it (staff session or token)."),
        Schema.Property("uploaded_by", .text), Schema.Property("created_at", .dateTime),
    ])

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers, editors = ContentFeature.editors
        table.component("PostAttachment", Self.schema)

        table.page(.post, "/posts/{id}/attachments", editors) { request, context in
            let postID = try context.pathID(what: "Post")
            let form = try await request.multipart(context: context)
            do {
                guard let file = form.files["file"], !file.fileName.isEmpty || !file.data.isEmpty else { throw AppError.invalid("file", "Choose a file to upload.") }
                let role = PostAttachment.Role(rawValue: form["role"] ?? "") ?? .file
                let saved = try await attachments.add(to: postID, bytes: file.data, fileName: file.fileName, declaredType: nil, role: role,
                                                      altText: form["alt_text"] ?? "", by: try ContentFeature.actor(context))
                return Pages.redirect("/posts/\(postID)", flash: Flash(.success, "Uploaded \(saved.fileName)" + (role == .cover ? " as the cover." : ".")), context: context)
            } catch let error as AppError where error.status != .unauthorized && error.status != .forbidden && error.status != .notFound {
                return Pages.redirect("/posts/\(postID)", flash: Flash(.error, error.message), context: context)
            }
        }

        table.page(.post, "/posts/{id}/attachments/{attachment}/delete", editors) { request, context in
            let postID = try context.pathID(what: "Post")
            _ = try await request.form(context: context)
            do {
                try await attachments.remove(try context.pathID("attachment", what: "File"), from: postID, by: try ContentFeature.actor(context))
                return Pages.redirect("/posts/\(postID)", flash: Flash(.success, "Removed the file."), context: context)
            } catch let error as AppError where error.status == .conflict {
                return Pages.redirect("/posts/\(postID)", flash: Flash(.error, error.message), context: context)
            }
        }

        table.page(.get, "/posts/{id}/attachments/{attachment}", readers) { _, context in
            let postID = try context.pathID(what: "Post")
            guard let attachment = try await attachments.find(try context.pathID("attachment", what: "File")), attachment.postID == postID else {
                throw AppError.notFound("File")
            }
            guard let bytes = try await attachments.bytes(of: attachment) else {
                throw AppError(.gone, code: "file_missing", message: "The bytes of \(attachment.fileName) are missing from storage. Upload the file again; an operator can check the data folder's blobs/.")
            }
            return Self.download(bytes, attachment)
        }

        table.api(.get, "/api/v1/posts/{id}/attachments", readers,
                  APIOperation(id: "listPostAttachments", summary: "A post's cover image and files", tag: "Content", parameters: [.pathID()],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("PostAttachment")))])), errors: [404])) { _, context in
            struct Files: Encodable { let data: [AttachmentJSON] }
            let postID = try context.pathID(what: "Post")
            guard try await feature.posts.find(id: postID) != nil else { throw AppError.notFound("Post") }
            return try Reply.json(Files(data: try await attachments.list(postID).map(AttachmentJSON.init)))
        }

        table.api(.post, "/api/v1/posts/{id}/attachments", editors,
                  APIOperation(id: "uploadPostAttachment", summary: "Upload a cover image or a file (the body is the file's bytes)", tag: "Content",
                               parameters: [
                                .pathID(),
                                APIParameter("file_name", in: .query, .string(minLength: 1, maxLength: 200), required: true, description: "The file's name, with its extension."),
                                APIParameter("role", in: .query, .enumeration(PostAttachment.Role.allCases.map(\.rawValue)), description: "cover (an image shown above the post) or file (default)."),
                                APIParameter("alt_text", in: .query, .string(minLength: 1, maxLength: 300), description: "What the cover shows (required for covers)."),
                               ],
                               requestBody: .string(format: "binary"), requestContentType: "application/octet-stream",
                               success: APIOperation.created(.ref("PostAttachment")), errors: [400, 404, 409, 413, 415, 422])) { request, context in
            let postID = try context.pathID(what: "Post")
            guard let fileName = try request.queryText("file_name", max: 200, strict: true) else {
                throw AppError(.badRequest, code: "invalid_parameter", message: "Give the file's name in 'file_name', with its extension.", field: "file_name")
            }
            var role = PostAttachment.Role.file
            if let raw = try request.queryText("role", max: 10, strict: true) {
                guard let value = PostAttachment.Role(rawValue: raw) else { throw AppError(.badRequest, code: "invalid_parameter", message: "'role' is cover or file.", field: "role") }
                role = value
            }
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: context.bodyLimit) } catch { throw AppError.tooLarge(limit: context.bodyLimit) }
            let saved = try await attachments.add(to: postID, bytes: Data(buffer: buffer), fileName: fileName, declaredType: request.headers[.contentType], role: role,
                                                  altText: try request.queryText("alt_text", max: 300, strict: true) ?? "", by: try ContentFeature.actor(context))
            return try Reply.json(AttachmentJSON(saved), status: .created)
        }

        table.api(.delete, "/api/v1/posts/{id}/attachments/{attachment}", editors,
                  APIOperation(id: "deletePostAttachment", summary: "Remove a file (approved posts go back to review)", tag: "Content",
                               parameters: [.pathID(), .pathID("attachment")], success: APIOperation.noContent, errors: [404, 409])) { _, context in
            try await attachments.remove(try context.pathID("attachment", what: "File"), from: try context.pathID(what: "Post"), by: try ContentFeature.actor(context))
            return Reply.noContent()
        }
    }

    /// The bytes with their real type, never sniffed; only images open in the browser, the
    /// rest download.
    static func download(_ bytes: Data, _ attachment: PostAttachment) -> Response {
        let ascii = String(attachment.fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        // RFC 8187 attr-chars stay as they are; everything else is percent-encoded UTF-8.
        let encoded = attachment.fileName.addingPercentEncoding(withAllowedCharacters: Self.attrChars) ?? ascii
        let disposition = (attachment.kind.isImage ? "inline" : "attachment") + "; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
        return Response(status: .ok, headers: [
            .contentType: attachment.kind.mimeType, .contentDisposition: disposition, .cacheControl: "private, max-age=3600",
            .xContentTypeOptions: "nosniff", .contentSecurityPolicy: "default-src 'none'; sandbox",
        ], body: .init(byteBuffer: ByteBuffer(data: bytes)))
    }

    static let attrChars = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")

    struct AttachmentJSON: Encodable {
        let id: Int64
        let postId: Int64
        let role: PostAttachment.Role
        let kind: AttachmentKind
        let fileName: String
        let byteCount: Int
        let altText: String
        let sha256: String
        let url: String
        let uploadedBy: String
        let createdAt: Date

        init(_ a: PostAttachment) {
            id = a.id
            postId = a.postID
            role = a.role
            kind = a.kind
            fileName = a.fileName
            byteCount = a.byteCount
            altText = a.altText
            sha256 = a.blob.hex
            url = a.path
            uploadedBy = a.uploadedBy
            createdAt = a.createdAt
        }
    }
}
