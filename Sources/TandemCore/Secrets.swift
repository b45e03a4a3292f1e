public import Foundation
import Crypto

/// Random tokens and their one-way hashes. Tokens are shown once; only hashes are stored.
public enum Secrets {
    /// A URL-safe random token with `bytes` bytes of entropy.
    public static func token(bytes: Int = 32, prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(raw).base64URLEncoded
    }

    public static func sha256Hex(_ value: String) -> String {
        hex(SHA256.hash(data: Data(value.utf8)))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex without `String(format:)`, which costs microseconds per byte.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares without an early exit so timing does not reveal how much matched.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}

extension Data {
    /// RFC 4648 §5 without padding. Byte by byte: signing tracking tokens calls this for every
    /// beacon, and three `replacingOccurrences` passes showed in the ingest profile.
    public var base64URLEncoded: String {
        let standard = base64EncodedString().utf8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(standard.count)
        for byte in standard {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
