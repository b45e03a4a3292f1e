import Foundation
import Hummingbird
import TandemCore

/// Version comparison for reviewers over the API, and recording what a reviewer has seen.
struct ReviewRoutes {
    let feature: ContentFeature

    static let pieceSchema = Schema.object([Schema.Property("op", .enumeration(TextDiff.Op.allCases.map(\.rawValue))), Schema.Property("text", .text)])
    static let diffSchema = Schema.object([
        Schema.Property("from", .integer(minimum: 1)), Schema.Property("to", .integer(minimum: 1)),
        Schema.Property("last_seen", .nullable(.integer(minimum: 1)), required: false, description: "The last version you opened, if any."),
        Schema.Property("changes", .array(.object([
            Schema.Property("field", .text), Schema.Property("kind", .enumeration(["text", "lines", "value"])),
            Schema.Property("old", .text), Schema.Property("new", .text), Schema.Property("pieces", .array(pieceSchema)),
        ]))),
    ])

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers
        let version = { (name: String, what: String) in APIParameter(name, in: .query, .integer(minimum: 1), description: what) }

        table.api(.get, "/api/v1/posts/{id}/diff", readers,
                  APIOperation(id: "diffPostVersions", summary: "What changed between two versions, field by field (default: since the version you last saw)", tag: "Content",
                               parameters: [.pathID(), version("from", "The older version; default the one you last saw, else 1."),
                                            version("to", "The newer version; default the current one.")],
                               success: APIOperation.ok(Self.diffSchema), errors: [400, 404])) { request, context in
            struct DiffJSON: Encodable { let from: Int; let to: Int; let lastSeen: Int?; let changes: [PostDiff.Change] }
            guard let post = try await feature.posts.find(id: try context.pathID(what: "Post")) else { throw AppError.notFound("Post") }
            let userID = try context.requireIdentity().userID
            let lastSeen = try await feature.views.lastSeen(post: post.id, userID: userID)
            let from = try Self.version(request, "from", latest: post.version) ?? min(lastSeen ?? 1, post.version)
            let to = try Self.version(request, "to", latest: post.version) ?? post.version
            guard from <= to else { throw AppError(.badRequest, code: "invalid_parameter", message: "'from' (\(from)) must not be after 'to' (\(to)).", field: "from") }
            let diff = try await feature.diff(post: post, from: from, to: to)
            return try Reply.json(DiffJSON(from: diff.from, to: diff.to, lastSeen: lastSeen, changes: diff.changes))
        }

        table.api(.post, "/api/v1/posts/{id}/seen", readers,
                  APIOperation(id: "markPostSeen", summary: "Record that you have read this version (diffs then start from it)", tag: "Content", parameters: [.pathID()],
                               requestBody: .object([Schema.Property("version", .integer(minimum: 1))]), success: APIOperation.noContent, errors: [400, 404, 415, 422])) { request, context in
            struct Input: Decodable { let version: Int }
            let input = try await request.json(Input.self, context: context)
            guard let post = try await feature.posts.find(id: try context.pathID(what: "Post")) else { throw AppError.notFound("Post") }
            guard input.version >= 1, input.version <= post.version else {
                throw AppError.invalid("version", "Version \(input.version) does not exist; the post is at version \(post.version).")
            }
            let userID = try context.requireIdentity().userID
            try await feature.views.markSeen(post: post.id, userID: userID, version: input.version)
            try await feature.comments.markRead(post: post.id, userID: userID)
            return Reply.noContent()
        }
    }

    static func version(_ request: Request, _ name: String, latest: Int) throws -> Int? {
        guard let raw = try request.queryText(name, max: 12, strict: true) else { return nil }
        guard let value = Int(raw), value >= 1, value <= latest else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "'\(name)' is a version from 1 to \(latest).", field: name)
        }
        return value
    }
}
