import Foundation
import Hummingbird
import TandemCore

/// Reach per channel: of a saved post, and of a choice of audiences and channels while the
/// editor is open (the page refreshes it as boxes are ticked).
struct ReachRoutes {
    let feature: ContentFeature

    static let figure = Schema.object([Schema.Property("count", .nullable(.integer(minimum: 0)), required: false), Schema.Property("display", .text)])
    static let reachSchema = Schema.object([
        Schema.Property("total", figure), Schema.Property("reachable", figure), Schema.Property("unreachable", figure), Schema.Property("suppressed", .boolean),
        Schema.Property("channels", .array(.object([
            Schema.Property("channel", .enumeration(Channel.allCases.map(\.rawValue))), Schema.Property("selected", .boolean),
            Schema.Property("count", .nullable(.integer(minimum: 0)), required: false, description: "Absent when suppressed or not counted per person."),
            Schema.Property("display", .text), Schema.Property("note", .text),
        ]))),
    ])
    static let idList = "^[1-9][0-9]{0,17}(,[1-9][0-9]{0,17}){0,19}$"

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers
        table.component("Reach", Self.reachSchema)

        table.api(.get, "/api/v1/posts/{id}/reach", readers,
                  APIOperation(id: "getPostReach", summary: "How many of the post's audience each channel reaches now (small groups suppressed unless you are HR)", tag: "Content",
                               parameters: [.pathID()], success: APIOperation.ok(.ref("Reach")), errors: [404])) { _, context in
            guard let post = try await feature.posts.find(id: try context.pathID(what: "Post")) else { throw AppError.notFound("Post") }
            return try Reply.json(try await feature.reach(post.content.audiences, channels: post.content.channels, seesAll: Self.seesAll(context)))
        }

        table.api(.get, "/api/v1/reach", readers,
                  APIOperation(id: "getReach", summary: "Reach per channel of audiences being chosen (for the post editor)", tag: "Content",
                               parameters: [
                                   APIParameter("include", in: .query, .string(pattern: Self.idList), description: "Audience ids to send to, comma-separated; none means every active employee."),
                                   APIParameter("exclude", in: .query, .string(pattern: Self.idList), description: "Audience ids to leave out, comma-separated."),
                                   APIParameter("channels", in: .query, .string(pattern: "^(feed|email|chat|sms|social)(,(feed|email|chat|sms|social)){0,4}$"),
                                                description: "Channels chosen, comma-separated (default feed,email)."),
                               ],
                               success: APIOperation.ok(.ref("Reach")), errors: [400, 422])) { request, context in
            let include = try Self.ids(request, "include"), exclude = try Self.ids(request, "exclude")
            var channels = PostContent.defaultChannels
            if let raw = try request.queryText("channels", max: 60, strict: true) {
                channels = try raw.split(separator: ",").map { name in
                    guard let channel = Channel(rawValue: String(name)) else {
                        throw AppError(.badRequest, code: "invalid_parameter", message: "'channels' lists feed, email, chat, sms or social.", field: "channels")
                    }
                    return channel
                }
            }
            if let both = include.first(where: exclude.contains) {
                throw AppError.invalid("audiences", "Audience \(both) is both included and excluded; choose one.")
            }
            let audiences = include.map { PostAudience(audienceID: $0, mode: .include) } + exclude.map { PostAudience(audienceID: $0, mode: .exclude) }
            return try Reply.json(try await feature.reach(audiences, channels: channels, seesAll: Self.seesAll(context)))
        }
    }

    static func seesAll(_ context: TandemContext) -> Bool {
        guard let roles = context.identity?.roles else { return false }
        return roles.contains(.admin) || roles.contains(.hr)
    }

    static func ids(_ request: Request, _ name: String) throws -> [Int64] {
        guard let raw = try request.queryText(name, max: 400, strict: true) else { return [] }
        let parts = raw.split(separator: ",", omittingEmptySubsequences: false)
        let ids = parts.compactMap { Int64($0) }.filter { $0 > 0 }
        guard ids.count == parts.count, ids.count <= 20 else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "'\(name)' is up to 20 audience ids separated by commas.", field: name)
        }
        return ids
    }
}
