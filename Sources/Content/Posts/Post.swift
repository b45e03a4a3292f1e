public import Foundation
public import TandemCore

public enum PostPriority: String, Sendable, Codable, CaseIterable {
    case normal, important, critical
}

/// Where a post can go. Delivery (the next feature) adds an adapter per channel.
public enum Channel: String, Sendable, Codable, CaseIterable {
    case feed, email, chat, sms, social

    public var title: String {
        switch self {
        case .feed: "Feed"
        case .email: "Email"
        case .chat: "Chat"
        case .sms: "SMS"
        case .social: "External social"
        }
    }
}

public enum VariantStatus: String, Sendable, Codable, CaseIterable {
    case needsTranslation = "needs_translation", translated, approved
}

/// One language of a post.
public struct PostVariant: Sendable, Codable, Equatable {
    public var language: String
    public var title: String
    public var summary: String
    /// Markdown as written.
    public var body: String
    /// The body rendered and sanitised, stored so readers never render.
    public var bodyHTML: String
    public var status: VariantStatus
    public var translatorID: Int64?
    /// Per-channel text that replaces the default rendering (an SMS version, a social caption).
    public var channelTexts: [Channel: String]

    public init(language: String, title: String, summary: String, body: String, bodyHTML: String = "", status: VariantStatus = .translated,
                translatorID: Int64? = nil, channelTexts: [Channel: String] = [:]) {
        self.language = language
        self.title = title
        self.summary = summary
        self.body = body
        self.bodyHTML = bodyHTML
        self.status = status
        self.translatorID = translatorID
        self.channelTexts = channelTexts
    }
}

public enum AudienceMode: String, Sendable, Codable, CaseIterable { case include, exclude }

public struct PostAudience: Sendable, Codable, Equatable {
    public var audienceID: Int64
    public var mode: AudienceMode
    public var name: String

    public init(audienceID: Int64, mode: AudienceMode, name: String = "") {
        self.audienceID = audienceID
        self.mode = mode
        self.name = name
    }
}

/// The content of a post: everything an author edits. Workflow fields live on `Post`.
public struct PostContent: Sendable, Codable, Equatable {
    public var priority: PostPriority
    /// Mandatory posts (policy, safety) ignore opt-outs.
    public var mandatory: Bool
    public var requiresAcknowledgement: Bool
    public var fallbackLanguage: String
    public var callToAction: CallToAction?
    public var campaignID: Int64?
    public var expiresAt: Date?
    public var topicIDs: [Int64]
    public var tags: [String]
    public var audiences: [PostAudience]
    /// The channels the post goes out on (delivery narrows them by each employee's reach and
    /// preferences; critical posts use every channel an employee has).
    public var channels: [Channel]
    public var variants: [PostVariant]

    public static let defaultChannels: [Channel] = [.feed, .email]

    public struct CallToAction: Sendable, Codable, Equatable {
        public var label: String
        public var url: String
        public init(label: String, url: String) {
            self.label = label
            self.url = url
        }
    }

    public init(priority: PostPriority = .normal, mandatory: Bool = false, requiresAcknowledgement: Bool = false, fallbackLanguage: String,
                callToAction: CallToAction? = nil, campaignID: Int64? = nil, expiresAt: Date? = nil, topicIDs: [Int64] = [], tags: [String] = [],
                audiences: [PostAudience] = [], channels: [Channel] = PostContent.defaultChannels, variants: [PostVariant]) {
        self.priority = priority
        self.mandatory = mandatory
        self.requiresAcknowledgement = requiresAcknowledgement
        self.fallbackLanguage = fallbackLanguage
        self.callToAction = callToAction
        self.campaignID = campaignID
        self.expiresAt = expiresAt
        self.topicIDs = topicIDs
        self.tags = tags
        self.audiences = audiences
        self.channels = channels
        self.variants = variants
    }

    enum CodingKeys: String, CodingKey {
        case priority, mandatory, requiresAcknowledgement, fallbackLanguage, callToAction, campaignID, expiresAt, topicIDs, tags, audiences, channels, variants
    }

    /// Snapshots saved before posts had channels read as the default channels.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        priority = try c.decode(PostPriority.self, forKey: .priority)
        mandatory = try c.decode(Bool.self, forKey: .mandatory)
        requiresAcknowledgement = try c.decode(Bool.self, forKey: .requiresAcknowledgement)
        fallbackLanguage = try c.decode(String.self, forKey: .fallbackLanguage)
        callToAction = try c.decodeIfPresent(CallToAction.self, forKey: .callToAction)
        campaignID = try c.decodeIfPresent(Int64.self, forKey: .campaignID)
        expiresAt = try c.decodeIfPresent(Date.self, forKey: .expiresAt)
        topicIDs = try c.decode([Int64].self, forKey: .topicIDs)
        tags = try c.decode([String].self, forKey: .tags)
        audiences = try c.decode([PostAudience].self, forKey: .audiences)
        channels = try c.decodeIfPresent([Channel].self, forKey: .channels) ?? Self.defaultChannels
        variants = try c.decode([PostVariant].self, forKey: .variants)
    }

    /// The variant in `language`; else one in the same language for another region (a de-DE
    /// reader gets `de`, or `de-AT` when that is all there is); else the fallback.
    public func variant(for language: String) -> PostVariant? {
        let wanted = language.lowercased()
        if let exact = variants.first(where: { $0.language.lowercased() == wanted }) { return exact }
        let primary = wanted.split(separator: "-").first.map(String.init) ?? wanted
        if let plain = variants.first(where: { $0.language.lowercased() == primary }) { return plain }
        if let regional = variants.first(where: { $0.language.lowercased().split(separator: "-").first.map(String.init) == primary }) { return regional }
        return variants.first { $0.language == fallbackLanguage }
    }
}

/// A post with its workflow state.
public struct Post: Sendable, Codable, Equatable {
    public typealias ID = Int64
    public let id: ID
    public var state: PostState
    public let authorID: Int64
    public var authorName: String
    public var content: PostContent
    public var topicNames: [String]
    public var publishAt: Date?
    /// An IANA zone the schedule was chosen in, or `recipient` (each employee's local time).
    public var scheduleZone: String
    public var stage: Int
    public var version: Int
    public var updatedBy: String
    public var updatedAt: Date
    public var createdAt: Date

    public var title: String { content.variant(for: content.fallbackLanguage)?.title ?? "(untitled)" }
}

/// One saved version of a post's content, for history and restore.
public struct PostVersion: Sendable, Codable, Equatable {
    public let version: Int
    public let content: PostContent
    public let savedBy: String
    public let savedAt: Date
}

/// One workflow step, for the post's history.
public struct PostEvent: Sendable, Codable, Equatable {
    public let version: Int
    public let at: Date
    public let actor: String
    public let action: String
    public let from: PostState
    public let to: PostState
    public let note: String
}
