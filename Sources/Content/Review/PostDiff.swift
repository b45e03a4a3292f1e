public import Foundation

/// What changed between two versions of a post, field by field, for reviewers.
public struct PostDiff: Sendable, Codable, Equatable {
    public struct Change: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable { case text, lines, value }
        /// "Title (en)", "Body (pt-BR)", "Channels", …
        public let field: String
        public let kind: Kind
        public let old: String
        public let new: String
        /// Word pieces for `text`, line pieces for `lines`; empty for `value`.
        public let pieces: [TextDiff.Piece]
    }

    public let from: Int
    public let to: Int
    public let changes: [Change]

    public var isEmpty: Bool { changes.isEmpty }

    /// `names` turns ids (topics, audiences, campaigns, translators) into what people call them.
    public static func compare(_ old: PostContent, version from: Int, with new: PostContent, version to: Int, names: Names = Names()) -> PostDiff {
        var changes: [Change] = []
        func value(_ field: String, _ a: String, _ b: String) {
            if a != b { changes.append(Change(field: field, kind: .value, old: a, new: b, pieces: [])) }
        }
        func text(_ field: String, _ a: String, _ b: String) {
            if a != b { changes.append(Change(field: field, kind: .text, old: a, new: b, pieces: TextDiff.words(a, b))) }
        }
        func lines(_ field: String, _ a: String, _ b: String) {
            if a != b { changes.append(Change(field: field, kind: .lines, old: a, new: b, pieces: TextDiff.lines(a, b))) }
        }
        let languages = (old.variants.map(\.language) + new.variants.map(\.language)).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for language in languages {
            let a = old.variants.first { $0.language == language }, b = new.variants.first { $0.language == language }
            switch (a, b) {
            case (nil, let b?): value("Language \(language)", "—", "added: \(b.title)")
            case (let a?, nil): value("Language \(language)", a.title, "removed")
            case (let a?, let b?):
                text("Title (\(language))", a.title, b.title)
                text("Summary (\(language))", a.summary, b.summary)
                lines("Body (\(language))", a.body, b.body)
                value("Translation status (\(language))", a.status.title, b.status.title)
                value("Translator (\(language))", names.user(a.translatorID), names.user(b.translatorID))
                for channel in Channel.allCases {
                    text("\(channel.title) text (\(language))", a.channelTexts[channel] ?? "", b.channelTexts[channel] ?? "")
                }
            case (nil, nil): break
            }
        }
        value("Fallback language", old.fallbackLanguage, new.fallbackLanguage)
        value("Channels", old.channels.map(\.title).joined(separator: ", "), new.channels.map(\.title).joined(separator: ", "))
        value("Priority", old.priority.rawValue, new.priority.rawValue)
        value("Mandatory", old.mandatory ? "yes" : "no", new.mandatory ? "yes" : "no")
        value("Needs acknowledgement", old.requiresAcknowledgement ? "yes" : "no", new.requiresAcknowledgement ? "yes" : "no")
        value("Call to action", old.callToAction.map { "\($0.label) → \($0.url)" } ?? "—", new.callToAction.map { "\($0.label) → \($0.url)" } ?? "—")
        value("Campaign", names.campaign(old.campaignID), names.campaign(new.campaignID))
        value("Expires", old.expiresAt.map { String($0.ISO8601Format().prefix(10)) } ?? "—", new.expiresAt.map { String($0.ISO8601Format().prefix(10)) } ?? "—")
        value("Topics", old.topicIDs.map(names.topic).sorted().joined(separator: ", "), new.topicIDs.map(names.topic).sorted().joined(separator: ", "))
        value("Tags", old.tags.joined(separator: ", "), new.tags.joined(separator: ", "))
        func audiences(_ c: PostContent) -> String {
            c.audiences.map { ($0.mode == .include ? "+ " : "− ") + names.audience($0.audienceID) }.sorted().joined(separator: ", ")
        }
        value("Audiences", audiences(old), audiences(new))
        return PostDiff(from: from, to: to, changes: changes)
    }

    public struct Names: Sendable {
        public var users: [Int64: String] = [:]
        public var topics: [Int64: String] = [:]
        public var audiences: [Int64: String] = [:]
        public var campaigns: [Int64: String] = [:]
        public init(users: [Int64: String] = [:], topics: [Int64: String] = [:], audiences: [Int64: String] = [:], campaigns: [Int64: String] = [:]) {
            self.users = users
            self.topics = topics
            self.audiences = audiences
            self.campaigns = campaigns
        }
        func user(_ id: Int64?) -> String { id.map { users[$0] ?? "user \($0)" } ?? "—" }
        func topic(_ id: Int64) -> String { topics[id] ?? "topic \(id)" }
        func audience(_ id: Int64) -> String { audiences[id] ?? "audience \(id)" }
        func campaign(_ id: Int64?) -> String { id.map { campaigns[$0] ?? "campaign \($0)" } ?? "—" }
    }
}

extension VariantStatus {
    public var title: String {
        switch self {
        case .needsTranslation: "needs translation"
        case .translated: "translated"
        case .approved: "approved"
        }
    }
}
