import Foundation
import Testing
@testable import Content

@Suite struct DiskBlobStoreTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-blobs-\(UUID().uuidString)")
    var store: DiskBlobStore { DiskBlobStore(root: root) }

    func cleanUp() { try? FileManager.default.removeItem(at: root) }

    @Test("Put stores the bytes under their SHA-256 in a two-level fan-out")
    func putAndGet() async throws {
        defer { cleanUp() }
        let bytes = Data("hello".utf8)
        let key = try await store.put(bytes)
        #expect(key.hex == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(store.path(for: key).path.hasSuffix("/2c/f2/2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"))
        #expect(try await store.get(key) == bytes)
        #expect(try await store.exists(key))
    }

    @Test("Identical content is stored once")
    func deduplicates() async throws {
        defer { cleanUp() }
        let first = try await store.put(Data("same".utf8))
        let second = try await store.put(Data("same".utf8))
        #expect(first == second)
        let folder = store.path(for: first).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [first.hex])
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.temporaryFolder.path).isEmpty)
    }

    @Test("Empty and large blobs round-trip")
    func sizes() async throws {
        defer { cleanUp() }
        let large = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        for bytes in [Data(), large] {
            let key = try await store.put(bytes)
            #expect(try await store.get(key) == bytes)
        }
    }

    @Test("Missing blobs read as nil; delete is idempotent")
    func missingAndDelete() async throws {
        defer { cleanUp() }
        let key = try await store.put(Data("gone soon".utf8))
        try await store.delete(key)
        try await store.delete(key)
        #expect(try await store.get(key) == nil)
        #expect(try await !store.exists(key))
    }

    @Test("A half-written temporary file from a crash is never read and is cleaned up")
    func crashLeftovers() async throws {
        defer { cleanUp() }
        let bytes = Data(repeating: 7, count: 10_000)
        let key = BlobKey(of: bytes)
        // What a crash mid-write leaves: part of the bytes in tmp/, nothing at the final path.
        try FileManager.default.createDirectory(at: store.temporaryFolder, withIntermediateDirectories: true)
        let leftover = store.temporaryFolder.appendingPathComponent("crashed.partial")
        try bytes.prefix(4_000).write(to: leftover)
        #expect(try await store.get(key) == nil)
        #expect(try await !store.exists(key))

        #expect(try await store.put(bytes) == key)
        #expect(try await store.get(key) == bytes)

        // A recent leftover may be another process's write in progress, so only old ones go.
        #expect(try await store.removeLeftovers() == 0)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: leftover.path)
        #expect(try await store.removeLeftovers() == 1)
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
        #expect(try await store.get(key) == bytes)
    }

    @Test("Cleaning a store that never wrote anything is fine")
    func cleanEmpty() async throws {
        #expect(try await store.removeLeftovers() == 0)
    }

    @Test("Keys accept only 64 lower-case hex digits, so no key can name another path")
    func keyValidation() throws {
        #expect(BlobKey(hex: String(repeating: "a", count: 64)) != nil)
        for bad in ["", "../../etc/passwd", String(repeating: "A", count: 64), String(repeating: "a", count: 63), String(repeating: "g", count: 64), "/" + String(repeating: "a", count: 63)] {
            #expect(BlobKey(hex: bad) == nil)
        }
        let json = try JSONEncoder().encode(BlobKey(of: Data("x".utf8)))
        #expect(try JSONDecoder().decode(BlobKey.self, from: json) == BlobKey(of: Data("x".utf8)))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(BlobKey.self, from: Data("\"../x\"".utf8)) }
    }

    @Test("Concurrent puts of the same bytes all succeed with one blob")
    func concurrentPuts() async throws {
        defer { cleanUp() }
        let bytes = Data(repeating: 1, count: 100_000)
        let store = self.store
        let keys = try await withThrowingTaskGroup(of: BlobKey.self) { group in
            for _ in 0..<8 { group.addTask { try await store.put(bytes) } }
            return try await group.reduce(into: Set<BlobKey>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
        #expect(try await store.get(keys.first!) == bytes)
    }
}
