public import Foundation

/// How Tandem reaches an SMS gateway that takes a Twilio-style form POST (`To`, `From`, `Body`,
/// HTTP Basic auth with an account id and a token). The token is kept apart, encrypted.
public struct SMSGateway: Sendable, Codable, Equatable {
    /// The URL messages are POSTed to, e.g. https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json
    public var url: String
    /// The sender: an E.164 number or an alphanumeric sender id (1–11 letters and digits).
    public var from: String
    /// The Basic-auth user (Twilio: the account SID); empty sends no Authorization header.
    public var username: String
    /// Messages per second this server sends at most, and how many may go at once after a lull.
    public var ratePerSecond: Double
    public var burst: Int
    /// The channel pauses after this many failures in a row (gateway errors, not bad numbers).
    public var pauseAfter: Int
    public var timeoutSeconds: Int

    public init(url: String, from: String, username: String = "", ratePerSecond: Double = 10, burst: Int = 20, pauseAfter: Int = 20, timeoutSeconds: Int = 15) {
        self.url = url
        self.from = from
        self.username = username
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.pauseAfter = pauseAfter
        self.timeoutSeconds = timeoutSeconds
    }

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let field: String
        public let description: String
    }

    /// Every problem is named with its field, so a form can show it next to the input.
    public func validate() throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = parts.host, !host.isEmpty, url.count <= 500, parts.user == nil else {
            throw Invalid(field: "url", description: "The gateway URL must be an http(s) address without a user name in it, e.g. https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json.")
        }
        guard PhoneNumber.isE164(from) || Self.isSenderID(from) else {
            throw Invalid(field: "from", description: "The sender must be an international number such as +15551234567, or a sender name of 1–11 letters and digits.")
        }
        guard username.count <= 200, !username.contains(":"), !username.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw Invalid(field: "username", description: "The account id must be one line without ':' (at most 200 characters).")
        }
        guard ratePerSecond.isFinite, (0.1...1_000).contains(ratePerSecond) else {
            throw Invalid(field: "rate_per_second", description: "The rate must be between 0.1 and 1,000 messages per second.")
        }
        guard (1...10_000).contains(burst) else { throw Invalid(field: "burst", description: "The burst must be between 1 and 10,000 messages.") }
        guard (1...1_000).contains(pauseAfter) else { throw Invalid(field: "pause_after", description: "Pause after 1 to 1,000 failures in a row.") }
        guard (1...120).contains(timeoutSeconds) else { throw Invalid(field: "timeout_seconds", description: "The timeout must be 1 to 120 seconds.") }
    }

    static func isSenderID(_ text: String) -> Bool {
        (1...11).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } && text.contains { $0.isLetter }
    }
}

/// Mobile numbers as gateways take them.
public enum PhoneNumber {
    /// `+` and 8–15 digits, the first not 0 (ITU-T E.164).
    public static func isE164(_ text: String) -> Bool {
        let digits = text.dropFirst()
        return text.first == "+" && (8...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber } && digits.first != "0"
    }

    /// Spaces, dashes, dots and brackets people type are dropped; `00` becomes `+`. Nil when what
    /// remains is not E.164 (a national number without its country code, letters).
    public static func normalized(_ text: String) -> String? {
        var kept = text.filter { !" -.()\u{00A0}".contains($0) }
        if kept.hasPrefix("00") { kept = "+" + kept.dropFirst(2) }
        return isE164(kept) ? kept : nil
    }
}
