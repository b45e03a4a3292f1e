import Foundation
import TandemCore

/// JSON shapes of the content API and their OpenAPI schemas, side by side.
enum ContentAPI {
    // MARK: topics

    static let stage = Schema.object([
        Schema.Property("approver_ids", .array(.id, maxItems: TopicDraft.maximumApprovers, minItems: 1)),
        Schema.Property("rule", .string(minLength: 1, maxLength: 3, pattern: "^(any|all|[1-9][0-9]?)$"), description: "any, all, or how many approvers must approve (N of M)."),
    ])
    static let topic = Schema.object([
        Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("description", .text),
        Schema.Property("owner_team_id", .nullable(.id), required: false), Schema.Property("owner_team", .nullable(.text), required: false),
        Schema.Property("stages", .array(stage)), Schema.Property("updated_by", .text), Schema.Property("updated_at", .dateTime),
    ])
    static let topicInput = Schema.object([
        Schema.Property("name", .line(1...60)), Schema.Property("description", .string(maxLength: 1_000), required: false),
        Schema.Property("owner_team_id", .nullable(.id), required: false),
        Schema.Property("stages", .array(stage, maxItems: 2, minItems: 1), description: "The approval board: a first stage and optionally a second."),
    ])

    struct StageJSON: Codable {
        let approverIds: [Int64]
        let rule: String
    }

    struct TopicInput: Decodable {
        let name: String
        let description: String?
        let ownerTeamId: Int64?
        let stages: [StageJSON]
    }

    struct TopicJSON: Encodable {
        let id: Int64
        let name: String
        let description: String
        let ownerTeamId: Int64?
        let ownerTeam: String?
        let stages: [StageJSON]
        let updatedBy: String
        let updatedAt: Date

        init(_ t: Topic) {
            id = t.id
            name = t.name
            description = t.description
            ownerTeamId = t.ownerTeamID
            ownerTeam = t.ownerTeamName
            stages = t.stages.map { StageJSON(approverIds: $0.approvers.sorted(), rule: $0.rule.text) }
            updatedBy = t.updatedBy
            updatedAt = t.updatedAt
        }
    }

    static func draft(_ input: TopicInput) throws -> TopicDraft {
        try TopicDraft(name: input.name, description: input.description ?? "", ownerTeamID: input.ownerTeamId,
                       stages: try input.stages.map { ApprovalStage(approvers: Set($0.approverIds), rule: try ApprovalRule(text: $0.rule)) })
    }

    // MARK: posts

    static let channelTexts = Schema.object(Channel.allCases.map { Schema.Property($0.rawValue, .string(maxLength: 10_000), required: false) })
    static let variantInput = Schema.object([
        Schema.Property("language", .string(minLength: 2, maxLength: 35), description: "BCP 47 tag: en, pt-BR."),
        Schema.Property("title", .line(1...150)), Schema.Property("summary", .string(maxLength: 300), required: false),
        Schema.Property("body", .string(maxLength: PostRules.maximumBody), required: false, description: "Markdown."),
        Schema.Property("status", .enumeration(VariantStatus.allCases.map(\.rawValue)), required: false),
        Schema.Property("translator_id", .nullable(.id), required: false),
        Schema.Property("channel_texts", channelTexts, required: false, description: "Text that replaces the default on one channel (SMS: 160 characters, 70 outside GSM-7; social: 280)."),
    ])
    static let postInput = Schema.object([
        Schema.Property("version", .integer(minimum: 1), required: false, description: "On update: the version you edited (optimistic locking)."),
        Schema.Property("priority", .enumeration(PostPriority.allCases.map(\.rawValue)), required: false),
        Schema.Property("mandatory", .boolean, required: false), Schema.Property("requires_acknowledgement", .boolean, required: false),
        Schema.Property("fallback_language", .string(minLength: 2, maxLength: 35)),
        Schema.Property("call_to_action", .nullable(.object([Schema.Property("label", .line(1...40)), Schema.Property("url", .string(minLength: 1, maxLength: 2_000))])), required: false),
        Schema.Property("expires_at", .nullable(.dateTime), required: false),
        Schema.Property("campaign_id", .nullable(.id), required: false),
        Schema.Property("topic_ids", .array(.id, maxItems: 5), required: false), Schema.Property("tags", .array(.line(1...40), maxItems: 20), required: false),
        Schema.Property("audiences", .array(.object([Schema.Property("audience_id", .id), Schema.Property("mode", .enumeration(AudienceMode.allCases.map(\.rawValue)))]), maxItems: 20), required: false),
        Schema.Property("channels", .array(.enumeration(Channel.allCases.map(\.rawValue)), maxItems: Channel.allCases.count, minItems: 1), required: false,
                        description: "Channels the post goes out on; default feed and email."),
        Schema.Property("variants", .array(variantInput, maxItems: PostRules.maximumVariants, minItems: 1)),
    ])
    static let variant = Schema.object([
        Schema.Property("language", .text), Schema.Property("title", .text), Schema.Property("summary", .text), Schema.Property("body", .text),
        Schema.Property("body_html", .text, description: "The body rendered from Markdown and sanitised."),
        Schema.Property("status", .enumeration(VariantStatus.allCases.map(\.rawValue))), Schema.Property("translator_id", .nullable(.id), required: false),
        Schema.Property("channel_texts", .map(.text)),
    ])
    static let post = Schema.object([
        Schema.Property("id", .id), Schema.Property("state", .enumeration(PostState.allCases.map(\.rawValue))),
        Schema.Property("title", .text), Schema.Property("author_id", .id), Schema.Property("author_name", .text),
        Schema.Property("version", .integer(minimum: 1)), Schema.Property("stage", .integer(minimum: 0)),
        Schema.Property("publish_at", .nullable(.dateTime), required: false), Schema.Property("schedule_zone", .text),
        Schema.Property("priority", .enumeration(PostPriority.allCases.map(\.rawValue))), Schema.Property("mandatory", .boolean),
        Schema.Property("requires_acknowledgement", .boolean), Schema.Property("fallback_language", .text),
        Schema.Property("call_to_action", .nullable(.object([Schema.Property("label", .text), Schema.Property("url", .text)])), required: false),
        Schema.Property("expires_at", .nullable(.dateTime), required: false),
        Schema.Property("campaign_id", .nullable(.id), required: false),
        Schema.Property("topics", .array(.object([Schema.Property("id", .id), Schema.Property("name", .text)]))),
        Schema.Property("tags", .array(.text)),
        Schema.Property("audiences", .array(.object([Schema.Property("audience_id", .id), Schema.Property("mode", .text), Schema.Property("name", .text)]))),
        Schema.Property("channels", .array(.enumeration(Channel.allCases.map(\.rawValue)))),
        Schema.Property("variants", .array(variant)),
        Schema.Property("available_actions", .array(.text), description: "Workflow actions the caller may take now."),
        Schema.Property("updated_by", .text), Schema.Property("updated_at", .dateTime), Schema.Property("created_at", .dateTime),
    ])
    static let transitionInput = Schema.object([
        Schema.Property("action", .enumeration(["submit", "approve", "request_changes", "schedule", "unschedule", "publish", "archive", "withdraw", "reopen"])),
        Schema.Property("version", .integer(minimum: 1), required: false, description: "The version you read; approvals and changes requests need it."),
        Schema.Property("publish_at", .string(minLength: 16, maxLength: 19, pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"), required: false,
                        description: "For schedule: local date and time, e.g. 2026-12-01T09:00."),
        Schema.Property("time_zone", .string(minLength: 1, maxLength: 64), required: false, description: "IANA zone of publish_at, or `recipient` for each employee's local time."),
        Schema.Property("note", .string(maxLength: 1_000), required: false, description: "Why (shown in the history; required when requesting changes)."),
    ])
    static let versionEntry = Schema.object([
        Schema.Property("version", .integer(minimum: 1)), Schema.Property("title", .text), Schema.Property("saved_by", .text), Schema.Property("saved_at", .dateTime),
    ])
    static let event = Schema.object([
        Schema.Property("version", .integer(minimum: 1)), Schema.Property("at", .dateTime), Schema.Property("actor", .text), Schema.Property("action", .text),
        Schema.Property("from", .text), Schema.Property("to", .text), Schema.Property("note", .text),
    ])

    struct VariantInput: Decodable {
        let language: String
        let title: String
        let summary: String?
        let body: String?
        let status: String?
        let translatorId: Int64?
        let channelTexts: [String: String]?
    }

    struct CTA: Codable {
        let label: String
        let url: String
    }

    struct AudienceRef: Decodable {
        let audienceId: Int64
        let mode: String
    }

    struct PostInput: Decodable {
        let version: Int?
        let priority: String?
        let mandatory: Bool?
        let requiresAcknowledgement: Bool?
        let fallbackLanguage: String
        let callToAction: CTA?
        let expiresAt: Date?
        let campaignId: Int64?
        let topicIds: [Int64]?
        let tags: [String]?
        let audiences: [AudienceRef]?
        let channels: [String]?
        let variants: [VariantInput]
    }

    static func content(_ input: PostInput) throws -> PostContent {
        let priority: PostPriority
        if let raw = input.priority {
            guard let value = PostPriority(rawValue: raw) else { throw AppError.invalid("priority", "priority is normal, important or critical.") }
            priority = value
        } else {
            priority = .normal
        }
        let variants = try input.variants.map { v -> PostVariant in
            var texts: [Channel: String] = [:]
            for (key, text) in v.channelTexts ?? [:] {
                guard let channel = Channel(rawValue: key) else {
                    throw AppError.invalid("channel_texts", "Unknown channel '\(key.prefix(20))'; channels are \(Channel.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                texts[channel] = text
            }
            var status = VariantStatus.translated
            if let raw = v.status {
                guard let value = VariantStatus(rawValue: raw) else { throw AppError.invalid("status", "status is needs_translation, translated or approved.") }
                status = value
            }
            return PostVariant(language: v.language, title: v.title, summary: v.summary ?? "", body: v.body ?? "", status: status, translatorID: v.translatorId, channelTexts: texts)
        }
        let audiences = try (input.audiences ?? []).map { ref -> PostAudience in
            guard let mode = AudienceMode(rawValue: ref.mode) else { throw AppError.invalid("audiences", "mode is include or exclude.") }
            return PostAudience(audienceID: ref.audienceId, mode: mode)
        }
        let channels = try input.channels.map { names in
            try names.map { name in
                guard let channel = Channel(rawValue: name) else {
                    throw AppError.invalid("channels", "Unknown channel '\(name.prefix(20))'; channels are \(Channel.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                return channel
            }
        } ?? PostContent.defaultChannels
        return PostContent(priority: priority, mandatory: input.mandatory ?? false, requiresAcknowledgement: input.requiresAcknowledgement ?? false,
                           fallbackLanguage: input.fallbackLanguage, callToAction: input.callToAction.map { .init(label: $0.label, url: $0.url) },
                           campaignID: input.campaignId, expiresAt: input.expiresAt, topicIDs: input.topicIds ?? [], tags: input.tags ?? [], audiences: audiences,
                           channels: channels, variants: variants)
    }

    struct TransitionInput: Decodable {
        let action: String
        let version: Int?
        let publishAt: String?
        let timeZone: String?
        let note: String?
    }

    struct VariantJSON: Encodable {
        let language, title, summary, body, bodyHtml: String
        let status: VariantStatus
        let translatorId: Int64?
        let channelTexts: [String: String]
    }

    struct TopicRef: Encodable { let id: Int64; let name: String }
    struct AudienceJSON: Encodable { let audienceId: Int64; let mode: AudienceMode; let name: String }

    struct PostJSON: Encodable {
        let id: Int64
        let state: PostState
        let title: String
        let authorId: Int64
        let authorName: String
        let version: Int
        let stage: Int
        let publishAt: Date?
        let scheduleZone: String
        let priority: PostPriority
        let mandatory: Bool
        let requiresAcknowledgement: Bool
        let fallbackLanguage: String
        let callToAction: CTA?
        let expiresAt: Date?
        let campaignId: Int64?
        let topics: [TopicRef]
        let tags: [String]
        let audiences: [AudienceJSON]
        let channels: [Channel]
        let variants: [VariantJSON]
        let availableActions: [String]
        let updatedBy: String
        let updatedAt: Date
        let createdAt: Date

        init(_ p: Post, actions: [PostAction]) {
            id = p.id
            state = p.state
            title = p.title
            authorId = p.authorID
            authorName = p.authorName
            version = p.version
            stage = p.stage
            publishAt = p.publishAt
            scheduleZone = p.scheduleZone
            priority = p.content.priority
            mandatory = p.content.mandatory
            requiresAcknowledgement = p.content.requiresAcknowledgement
            fallbackLanguage = p.content.fallbackLanguage
            callToAction = p.content.callToAction.map { CTA(label: $0.label, url: $0.url) }
            expiresAt = p.content.expiresAt
            campaignId = p.content.campaignID
            topics = zip(p.content.topicIDs, p.topicNames).map { TopicRef(id: $0, name: $1) }
            tags = p.content.tags
            audiences = p.content.audiences.map { AudienceJSON(audienceId: $0.audienceID, mode: $0.mode, name: $0.name) }
            channels = p.content.channels
            variants = p.content.variants.map { v in
                VariantJSON(language: v.language, title: v.title, summary: v.summary, body: v.body, bodyHtml: v.bodyHTML, status: v.status,
                            translatorId: v.translatorID, channelTexts: Dictionary(uniqueKeysWithValues: v.channelTexts.map { ($0.key.rawValue, $0.value) }))
            }
            availableActions = actions.map { $0.name.replacingOccurrences(of: " ", with: "_") }
            updatedBy = p.updatedBy
            updatedAt = p.updatedAt
            createdAt = p.createdAt
        }
    }

    struct List<Item: Encodable>: Encodable {
        let data: [Item]
        let nextCursor: String?
    }
}
