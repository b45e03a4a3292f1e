import Crypto
public import Foundation

/// Encrypts settings secrets (gateway tokens, webhook URLs) before they are stored, with
/// AES-256-GCM under a key that lives outside the database: `TANDEM_SECRET_KEY`, or on SQLite a
/// key file in the data folder. A stolen database or backup alone reveals no secret; a changed
/// ciphertext fails to open instead of yielding garbage.
public struct SecretBox: Sendable {
    let key: SymmetricKey
    static let prefix = "v1."

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(key: Data) throws {
        guard key.count == 32 else { throw Failure(description: "the secret key must be 32 bytes (it is \(key.count))") }
        self.key = SymmetricKey(data: key)
    }

    /// `v1.` + base64url(nonce ‖ ciphertext ‖ tag).
    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw Failure(description: "AES-GCM gave no combined form") }
        return Self.prefix + combined.base64URLEncoded
    }

    public func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix(Self.prefix), let data = Data(base64URLEncoded: String(sealed.dropFirst(Self.prefix.count))) else {
            throw Failure(description: "the stored secret is not in a form Tandem wrote")
        }
        do {
            let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: key)
            guard let text = String(data: plain, encoding: .utf8) else { throw Failure(description: "the stored secret is not text") }
            return text
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "the stored secret cannot be opened with this key; was TANDEM_SECRET_KEY changed? Enter the secret again")
        }
    }

    /// A keyed digest (HMAC-SHA256, base64url): equal texts give equal tags, and without the key
    /// a tag says nothing about its text.
    public func tag(_ text: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)).base64URLEncoded
    }

    /// Reads `TANDEM_SECRET_KEY`: 32 bytes in base64 (standard or URL-safe).
    public static func parseKey(_ text: String) -> Data? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let data = Data(base64Encoded: trimmed) ?? Data(base64URLEncoded: trimmed)
        return data?.count == 32 ? data : nil
    }

    /// The key in `path`, made (32 random bytes, readable by the owner only) when missing.
    public static func keyFile(at path: String) throws -> Data {
        let manager = FileManager.default
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let key = parseKey(text) else { throw Failure(description: "\(path) does not hold a 32-byte base64 key; restore it from backup or delete it (stored secrets must then be entered again)") }
            return key
        }
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let temporary = path + ".tmp"
        guard manager.createFile(atPath: temporary, contents: Data((key.base64EncodedString() + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "cannot write the secret key file \(path)")
        }
        try manager.moveItem(atPath: temporary, toPath: path)
        return key
    }
}
