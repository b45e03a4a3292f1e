public import Foundation

/// A file on a post: the cover image shown above it, or an attachment to download.
public struct PostAttachment: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable, CaseIterable { case cover, file }

    public typealias ID = Int64
    public let id: ID
    public let postID: Int64
    public let role: Role
    public let blob: BlobKey
    public let kind: AttachmentKind
    public let fileName: String
    public let byteCount: Int
    /// What the image shows, for screen readers (covers need one).
    public let altText: String
    public let uploadedBy: String
    public let createdAt: Date

    public var path: String { "/posts/\(postID)/attachments/\(id)" }

    /// At most this many files per post (covers included).
    public static let maximumPerPost = 20
}
