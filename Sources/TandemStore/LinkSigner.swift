import Crypto
public import Foundation
import SQLKit
import Synchronization
import TandemCore

/// Signs the links Tandem puts in messages (unsubscribe, tracking), with the key migration 72 made for
/// this database, so any server can check a link another one wrote. Tampering with the ids
/// breaks the signature. Not an actor: every beacon checks a signature, and one actor would
/// make all of them wait in one line; the key is read once and then shared behind a mutex.
public final class LinkSigner: Sendable {
    let database: Database
    private let key: Mutex<SymmetricKey?>

    public init(database: Database) {
        self.database = database
        key = Mutex(nil)
    }

    /// For tests and benchmarks: a fixed key.
    public init(database: Database, key: Data) {
        self.database = database
        self.key = Mutex(SymmetricKey(data: key))
    }

    private func currentKey() async throws -> SymmetricKey {
        if let known = key.withLock({ $0 }) { return known }
        guard let row = try await database.reader.raw("SELECT secret FROM link_keys WHERE name = 'links'").first(),
              let data = Data(base64URLEncoded: try row.decode(column: "secret", as: String.self)) else {
            throw LinkKeyMissing()
        }
        let loaded = SymmetricKey(data: data)
        key.withLock { $0 = loaded }
        return loaded
    }

    struct LinkKeyMissing: Error, CustomStringConvertible {
        var description: String { "the link key is missing from link_keys; run `tandem migrate`" }
    }

    /// `kind.id.id….signature`, URL-safe.
    public func sign(_ kind: String, _ ids: [Int64]) async throws -> String {
        let payload = ([kind] + ids.map(String.init)).joined(separator: ".")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: try await currentKey())
        return payload + "." + Data(mac).prefix(18).base64URLEncoded
    }

    /// The ids of a token of `kind` whose signature holds; nil for anything else.
    public func verify(_ token: String, kind: String, count: Int) async throws -> [Int64]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.count <= 200, parts.count == count + 2, parts[0] == kind else { return nil }
        let ids = parts[1...count].compactMap { Int64($0) }
        guard ids.count == count else { return nil }
        let expected = try await sign(kind, ids)
        return Secrets.constantTimeEquals(expected, token) ? ids : nil
    }
}
