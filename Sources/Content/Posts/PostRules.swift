public import Foundation
import People
public import TandemCore

/// What a post's content must look like before it is stored. Errors name the field and say
/// what to change; channel limits are hard where the channel itself would cut or refuse.
public enum PostRules {
    public static let maximumBody = 100_000
    public static let maximumVariants = 30

    /// Characters one SMS holds: 160 in the GSM 7-bit alphabet, 70 once any other character
    /// (emoji, most non-Latin scripts) forces UCS-2.
    public static func smsLimit(_ text: String) -> Int { isGSM7(text) ? 160 : 70 }

    /// Channel texts longer than this are refused (social: the common 280-character cap).
    public static func limit(_ channel: Channel, text: String) -> Int {
        switch channel {
        case .sms: smsLimit(text)
        case .social: 280
        case .chat: 4_000
        case .feed: 1_000
        case .email: 10_000
        }
    }

    /// What a channel carries for a variant: the author's own text, else one made from the
    /// title and summary.
    public static func channelText(_ variant: PostVariant, channel: Channel) -> String {
        if let own = variant.channelTexts[channel] { return own }
        switch channel {
        case .sms: return [variant.title, variant.summary].filter { !$0.isEmpty }.joined(separator: ": ")
        case .social: return variant.summary.isEmpty ? variant.title : variant.summary
        case .chat: return "*\(variant.title)*\n\(variant.summary)"
        case .email, .feed: return variant.summary
        }
    }

    /// Past this share of the limit the preview warns.
    public static let warnAt = 0.9

    static let gsm7: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")

    public static func isGSM7(_ text: String) -> Bool { text.allSatisfy(gsm7.contains) }

    /// The content, trimmed and checked.
    public static func validate(_ content: PostContent, render: (String) -> String) throws -> PostContent {
        var content = content
        var channels: [Channel] = []
        for channel in Channel.allCases where content.channels.contains(channel) { channels.append(channel) }
        guard !channels.isEmpty else { throw AppError.invalid("channels", "Choose at least one channel the post goes out on.") }
        content.channels = channels
        guard !content.variants.isEmpty else { throw AppError.invalid("variants", "Write the post in at least one language.") }
        guard content.variants.count <= maximumVariants else { throw AppError.invalid("variants", "A post has at most \(maximumVariants) languages.") }
        content.fallbackLanguage = try EmployeeRules.language(content.fallbackLanguage)
        var seen = Set<String>()
        for index in content.variants.indices {
            var variant = content.variants[index]
            variant.language = try EmployeeRules.language(variant.language)
            guard seen.insert(variant.language.lowercased()).inserted else {
                throw AppError.invalid("variants", "The language \(variant.language) appears twice; a post has one variant per language.")
            }
            let prefix = content.variants.count > 1 ? "\(variant.language): " : ""
            variant.title = try TextRules.singleLine(variant.title, field: "title", label: prefix + "The title", range: 1...150)
            variant.summary = variant.summary.trimmed
            guard variant.summary.count <= 300, !variant.summary.unicodeScalars.contains(where: TextRules.isForbiddenInLine) else {
                throw AppError.invalid("summary", prefix + "The summary must be one line of at most 300 characters.")
            }
            guard variant.body.count <= maximumBody else { throw AppError.invalid("body", prefix + "The body must be at most \(maximumBody) characters.") }
            guard !variant.body.unicodeScalars.contains(where: { $0.value == 0 }) else { throw AppError.invalid("body", prefix + "The body must not contain NUL characters.") }
            variant.bodyHTML = render(variant.body)
            var texts: [Channel: String] = [:]
            for (channel, raw) in variant.channelTexts {
                let text = raw.trimmed
                if text.isEmpty { continue }
                let limit = limit(channel, text: text)
                guard text.count <= limit else {
                    let why = channel == .sms
                        ? "an SMS holds \(limit) characters\(limit == 70 ? " when it has characters outside the GSM alphabet (emoji, accents such as ő, non-Latin scripts)" : "")"
                        : "\(channel.title) allows \(limit)"
                    throw AppError.invalid("channel_\(channel.rawValue)", "\(prefix)The \(channel.title) text is \(text.count) characters; \(why). Shorten it.")
                }
                texts[channel] = text
            }
            variant.channelTexts = texts
            // A chosen channel with a hard limit must fit, own text or not.
            for channel in content.channels where channel == .sms || channel == .social {
                guard variant.channelTexts[channel] == nil else { continue }
                let text = channelText(variant, channel: channel), limit = limit(channel, text: text)
                guard text.count <= limit else {
                    throw AppError.invalid("channel_\(channel.rawValue)",
                                           "\(prefix)The post goes out by \(channel.title), but its title and summary make \(text.count) characters there (the limit is \(limit)). Write a \(channel.title) text of at most \(limit) characters, or take \(channel.title) off the post's channels.")
                }
            }
            content.variants[index] = variant
        }
        guard seen.contains(content.fallbackLanguage.lowercased()) else {
            throw AppError.invalid("fallback_language", "The fallback language \(content.fallbackLanguage) has no variant. Employees whose language is missing get the fallback, so write it in \(content.fallbackLanguage) or choose another fallback.")
        }
        if let cta = content.callToAction {
            let label = try TextRules.singleLine(cta.label, field: "cta_label", label: "The call-to-action label", range: 1...40)
            let url = cta.url.trimmed
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["https", "http", "mailto"].contains(scheme), url.count <= 2_000 else {
                throw AppError.invalid("cta_url", "The call-to-action link must be an https:, http: or mailto: address.")
            }
            content.callToAction = .init(label: label, url: url)
        }
        var tags: [String] = []
        for raw in content.tags {
            let tag = raw.trimmed.lowercased()
            if tag.isEmpty || tags.contains(tag) { continue }
            tags.append(try TextRules.singleLine(tag, field: "tags", label: "A tag", range: 1...40))
        }
        guard tags.count <= 20 else { throw AppError.invalid("tags", "A post has at most 20 tags.") }
        content.tags = tags
        content.topicIDs = Array(Set(content.topicIDs)).sorted()
        guard content.topicIDs.count <= 5 else { throw AppError.invalid("topic_ids", "A post has at most 5 topics.") }
        var audienceIDs = Set<Int64>()
        for audience in content.audiences where !audienceIDs.insert(audience.audienceID).inserted {
            throw AppError.invalid("audiences", "An audience is listed twice; include or exclude it once.")
        }
        guard content.audiences.count <= 20 else { throw AppError.invalid("audiences", "A post has at most 20 audiences.") }
        return content
    }
}
