public import Foundation
public import TandemCore

/// Where a published post goes besides people: a Slack or Microsoft Teams channel through its
/// incoming webhook, or any system through a generic webhook (signed JSON).
public struct Destination: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case slack, teams, webhook

        public var title: String {
            switch self {
            case .slack: "Slack channel (incoming webhook)"
            case .teams: "Microsoft Teams channel (incoming webhook)"
            case .webhook: "Generic webhook (signed JSON)"
            }
        }
    }

    public typealias ID = Int64
    public let id: ID
    public let name: String
    public let kind: Kind
    /// Where the URL points (scheme, host and port), for people; the URL itself is a secret.
    public let host: String
    public let topicIDs: [Int64]
    public let hasSigningSecret: Bool
    public let paused: Bool
    public let pauseReason: String?
    public let updatedAt: Date
    public let updatedBy: String

    /// Chat destinations take posts that chose the chat channel; webhooks take every published
    /// post on their topics (they are integrations, not a channel people read).
    public func receives(chatChosen: Bool) -> Bool { kind == .webhook || chatChosen }
}

/// Validated input for a new destination.
public struct NewDestination: Sendable, Equatable {
    public let name: String
    public let kind: Destination.Kind
    public let url: String
    public let signingSecret: String?
    public let topicIDs: [Int64]

    public init(name: String, kind: String, url: String, signingSecret: String?, topicIDs: [Int64]) throws {
        let name = name.trimmed
        guard (1...80).contains(name.count), !name.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw AppError.invalid("name", "Give the destination a name of 1 to 80 characters, such as “#all-hands” or “Intranet CMS”.")
        }
        guard let kind = Destination.Kind(rawValue: kind) else {
            throw AppError.invalid("kind", "Choose slack, teams or webhook.")
        }
        self.name = name
        self.kind = kind
        self.url = try Self.url(url)
        if let secret = signingSecret?.trimmed, !secret.isEmpty {
            guard kind == .webhook else { throw AppError.invalid("signing_secret", "Only generic webhooks are signed; leave the secret empty for Slack and Teams.") }
            guard (16...200).contains(secret.count), !secret.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value > 0x7e }) else {
                throw AppError.invalid("signing_secret", "The signing secret must be 16 to 200 printable ASCII characters without spaces.")
            }
            self.signingSecret = secret
        } else {
            self.signingSecret = nil
        }
        self.topicIDs = Array(Set(topicIDs)).sorted()
    }

    /// HTTPS, or HTTP to this machine (local tests and relays); no credentials in the URL.
    static func url(_ raw: String) throws -> String {
        let value = raw.trimmed
        guard value.count <= 2_000, let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            throw AppError.invalid("url", "Paste the webhook's full address, such as https://hooks.slack.com/services/….")
        }
        guard components.user == nil, components.password == nil else {
            throw AppError.invalid("url", "Leave user names and passwords out of the address.")
        }
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw AppError.invalid("url", "The address must start with https:// (plain http only to this machine).")
        }
        return value
    }

    /// The part of a URL that is safe to show.
    public static func host(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return "?" }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }
}
