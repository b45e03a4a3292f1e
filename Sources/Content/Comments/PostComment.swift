public import Foundation

/// A comment on a post. Replies point at the first comment of their thread, so a thread is one
/// level deep, as in most review tools; a removed comment keeps its place with its text gone.
public struct PostComment: Sendable, Codable, Equatable {
    public typealias ID = Int64
    public let id: ID
    public let postID: Int64
    public let threadID: ID?
    public let authorID: Int64
    public let authorName: String
    /// The post version the author was looking at.
    public let postVersion: Int
    public let body: String
    public let bodyHTML: String
    public let createdAt: Date
    public let deletedAt: Date?
    public let resolvedAt: Date?
    public let resolvedBy: String?
    /// Display names of the people it mentions.
    public var mentioned: [String]

    public var isDeleted: Bool { deletedAt != nil }
}

/// A first comment and its replies, oldest first.
public struct CommentThread: Sendable, Codable, Equatable {
    public let root: PostComment
    public let replies: [PostComment]
    public var isResolved: Bool { root.resolvedAt != nil }
}

/// A comment that names someone, as their inbox shows it.
public struct Mention: Sendable, Codable, Equatable {
    public let commentID: Int64
    public let postID: Int64
    public let postTitle: String
    public let authorName: String
    public let excerpt: String
    public let createdAt: Date
    public let readAt: Date?
}
