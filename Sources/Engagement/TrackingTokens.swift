import Crypto
public import Foundation
public import TandemStore

/// Signed tokens that tie a beacon, tracking image or link to one post, person and channel.
/// They are issued when the page or email is made and carry that day, so a forged one fails the
/// signature, and an old one (older than `lifetime`, which is shorter than the raw-event
/// retention, so its dedupe keys are still there) is refused rather than counted twice.
public struct TrackingTokens: Sendable {
    let signer: LinkSigner
    public static let lifetimeDays: Int64 = 60

    public init(signer: LinkSigner) {
        self.signer = signer
    }

    public struct Subject: Sendable, Equatable {
        public let postID: Int64
        public let employeeID: Int64
        public let channel: EventChannel
    }

    public enum Refusal: String, Error, Sendable {
        case badSignature = "bad signature"
        case expired = "expired token"
        case badURL = "link target changed"
    }

    static let channels: [EventChannel] = [.feed, .email, .chat, .sms, .social]

    /// For beacons from the feed page and the email tracking image.
    public func event(post: Int64, employee: Int64, channel: EventChannel, now: Date = Date()) async throws -> String {
        try await signer.sign("ev", [post, employee, Int64(Self.channels.firstIndex(of: channel) ?? 0), Self.day(now)])
    }

    public func verifyEvent(_ token: String, now: Date = Date()) async throws -> Result<Subject, Refusal> {
        guard let ids = try await signer.verify(token, kind: "ev", count: 4) else { return .failure(.badSignature) }
        return subject(ids, now: now)
    }

    /// For a tracked link: the target URL is part of what is signed, so the redirect cannot be
    /// pointed elsewhere.
    public func click(post: Int64, employee: Int64, channel: EventChannel, url: String, now: Date = Date()) async throws -> String {
        try await signer.sign("cl", [post, employee, Int64(Self.channels.firstIndex(of: channel) ?? 0), Self.day(now), Self.fingerprint(url)])
    }

    public func verifyClick(_ token: String, url: String, now: Date = Date()) async throws -> Result<Subject, Refusal> {
        guard let ids = try await signer.verify(token, kind: "cl", count: 5) else { return .failure(.badSignature) }
        guard ids[4] == Self.fingerprint(url) else { return .failure(.badURL) }
        return subject(Array(ids.prefix(4)), now: now)
    }

    private func subject(_ ids: [Int64], now: Date) -> Result<Subject, Refusal> {
        guard ids[2] >= 0, ids[2] < Self.channels.count else { return .failure(.badSignature) }
        let age = Self.day(now) - ids[3]
        guard age >= -1, age <= Self.lifetimeDays else { return .failure(.expired) }
        return .success(Subject(postID: ids[0], employeeID: ids[1], channel: Self.channels[Int(ids[2])]))
    }

    static func day(_ date: Date) -> Int64 { floorDiv(Millis.from(date), .millisPerDay) }

    static func fingerprint(_ url: String) -> Int64 {
        let digest = SHA256.hash(data: Data(url.utf8))
        return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) } & 0x3FFF_FFFF_FFFF_FFFF
    }
}
