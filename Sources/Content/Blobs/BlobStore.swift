public import Foundation

/// Content-addressed storage for attachment bytes. Disk today; an S3-compatible store can
/// follow behind the same protocol.
public protocol BlobStore: Sendable {
    /// Stores the bytes and returns their key. Storing the same bytes again is cheap and
    /// returns the same key.
    func put(_ bytes: Data) async throws -> BlobKey
    /// The bytes, or nil when no blob has that key.
    func get(_ key: BlobKey) async throws -> Data?
    /// Removes the blob; removing a missing blob is not an error. Callers must know no post
    /// still refers to it, since equal files share one blob.
    func delete(_ key: BlobKey) async throws
    func exists(_ key: BlobKey) async throws -> Bool
}
