public import Foundation
import NIOPosix
public import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// Blobs as files under a folder: `ab/cd/abcd…` (the key's first two and next two hex digits
/// as folders, so no folder grows past 65,536 entries), plus `tmp/` for writes in progress.
///
/// A write goes to `tmp/`, is flushed to disk, then renamed into place (rename(2) is atomic
/// within a file system), so a crash leaves either no blob or the whole blob, never half a
/// file under a key. Reads only look at final paths; `removeLeftovers` clears `tmp/`.
public struct DiskBlobStore: BlobStore {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The folder for temporary files; nothing in it is ever read as a blob.
    public var temporaryFolder: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    public func path(for key: BlobKey) -> URL {
        let hex = key.hex
        return root.appendingPathComponent(String(hex.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(hex.dropFirst(2).prefix(2)), isDirectory: true)
            .appendingPathComponent(hex, isDirectory: false)
    }

    public func put(_ bytes: Data) async throws -> BlobKey {
        let key = BlobKey(of: bytes)
        let final = path(for: key)
        let temporary = temporaryFolder
        try await NIOThreadPool.singleton.runIfActive {
            if FileManager.default.fileExists(atPath: final.path) { return }  // same content already stored
            try Self.writeAtomically(bytes, to: final, via: temporary)
        }
        return key
    }

    public func get(_ key: BlobKey) async throws -> Data? {
        let file = path(for: key)
        return try await NIOThreadPool.singleton.runIfActive {
            guard FileManager.default.fileExists(atPath: file.path) else { return nil }
            return try Data(contentsOf: file)
        }
    }

    public func delete(_ key: BlobKey) async throws {
        let file = path(for: key)
        try await NIOThreadPool.singleton.runIfActive {
            guard unlink(file.path) == 0 || errno == ENOENT else {
                throw Self.failure("remove \(file.path)", errno: errno)
            }
        }
    }

    public func exists(_ key: BlobKey) async throws -> Bool {
        let file = path(for: key)
        return try await NIOThreadPool.singleton.runIfActive { FileManager.default.fileExists(atPath: file.path) }
    }

    /// Deletes temporary files older than `age`: what a crash or a full disk left behind.
    /// The age keeps it from removing a write another process has in progress. Returns how
    /// many files it removed; call it at start-up.
    @discardableResult
    public func removeLeftovers(olderThan age: TimeInterval = 3600) async throws -> Int {
        let folder = temporaryFolder
        return try await NIOThreadPool.singleton.runIfActive {
            let manager = FileManager.default
            guard manager.fileExists(atPath: folder.path) else { return 0 }
            let cutoff = Date().addingTimeInterval(-age)
            var removed = 0
            for name in try manager.contentsOfDirectory(atPath: folder.path) {
                let file = folder.appendingPathComponent(name)
                let modified = try? manager.attributesOfItem(atPath: file.path)[.modificationDate] as? Date
                if let modified, modified > cutoff { continue }
                if (try? manager.removeItem(at: file)) != nil { removed += 1 }
            }
            return removed
        }
    }

    // MARK: - Writing

    private static func writeAtomically(_ bytes: Data, to final: URL, via temporaryFolder: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: temporaryFolder, withIntermediateDirectories: true)
        try manager.createDirectory(at: final.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = temporaryFolder.appendingPathComponent(UUID().uuidString + ".partial").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw failure("create \(temporary)", errno: errno) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            try writeAll(bytes, to: descriptor, path: temporary)
            // Flush before the rename: otherwise a power cut could leave a renamed but empty file.
            guard fsync(descriptor) == 0 else { throw failure("flush \(temporary)", errno: errno) }
        }
        guard rename(temporary, final.path) == 0 else { throw failure("move a blob into \(final.path)", errno: errno) }
        renamed = true
        syncFolder(final.deletingLastPathComponent().path)
    }

    private static func writeAll(_ bytes: Data, to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("write \(path)", errno: errno)
                }
                offset += written
            }
        }
    }

    /// Makes the rename itself durable. Best effort: some file systems refuse fsync on folders.
    private static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    static func failure(_ action: String, errno code: Int32) -> AppError {
        let reason = String(cString: strerror(code))
        let hint = code == ENOSPC ? " The disk is full: free space under the data folder, then retry." : " Check that the data folder exists and is writable by the server, then retry."
        return AppError(.internalServerError, code: "blob_storage_failed", message: "Could not \(action): \(reason).\(hint)")
    }
}
