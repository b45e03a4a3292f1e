import Foundation
import TandemCore

/// The post editor's fields as posted: settings, then numbered language blocks
/// (`v0_language`, `v0_title`, … `v0_sms`). A block without title and body is left out, so
/// the page can always offer one empty block for another language.
struct PostForm {
    static let channelFields: [Channel] = [.sms, .social, .chat, .email, .feed]

    static func content(_ form: FormData) throws -> (PostContent, version: Int?) {
        var variants: [PostVariant] = []
        for index in 0..<PostRules.maximumVariants {
            let prefix = "v\(index)_"
            guard form.has(prefix + "title") || form.has(prefix + "body") else { break }
            let title = form[prefix + "title"] ?? "", body = form[prefix + "body"] ?? ""
            if title.trimmed.isEmpty && body.trimmed.isEmpty { continue }
            var texts: [Channel: String] = [:]
            for channel in channelFields { texts[channel] = form[prefix + channel.rawValue] ?? "" }
            var translator: Int64?
            if let raw = form.text(prefix + "translator_id") {
                guard let id = Int64(raw), id > 0 else { throw AppError.invalid("translator_id", "Pick a translator from the list.") }
                translator = id
            }
            variants.append(PostVariant(
                language: form[prefix + "language"] ?? "", title: title, summary: form[prefix + "summary"] ?? "", body: body,
                status: VariantStatus(rawValue: form[prefix + "status"] ?? "") ?? .translated, translatorID: translator, channelTexts: texts))
        }
        func ids(_ name: String) throws -> [Int64] {
            try form.all(name).map { raw in
                guard let id = Int64(raw), id > 0 else { throw AppError.invalid(name, "Pick from the list.") }
                return id
            }
        }
        let audiences = try ids("include").map { PostAudience(audienceID: $0, mode: .include) } + ids("exclude").map { PostAudience(audienceID: $0, mode: .exclude) }
        var cta: PostContent.CallToAction?
        let ctaLabel = form["cta_label"] ?? "", ctaURL = form["cta_url"] ?? ""
        if !ctaLabel.trimmed.isEmpty || !ctaURL.trimmed.isEmpty { cta = .init(label: ctaLabel, url: ctaURL) }
        var expires: Date?
        if let raw = form.text("expires_on") {
            let day = try PostForm.day(raw, field: "expires_on")
            expires = day
        }
        var campaign: Int64?
        if let raw = form.text("campaign_id") {
            guard let id = Int64(raw), id > 0 else { throw AppError.invalid("campaign_id", "Pick a campaign from the list.") }
            campaign = id
        }
        // The editor always sends `channels_shown`; a form without it (older clients) keeps the default.
        var channels = PostContent.defaultChannels
        if form.has("channels_shown") {
            channels = try form.all("channels").map { raw in
                guard let channel = Channel(rawValue: raw) else { throw AppError.invalid("channels", "Pick channels from the list.") }
                return channel
            }
        }
        let content = PostContent(
            priority: PostPriority(rawValue: form["priority"] ?? "") ?? .normal, mandatory: form["mandatory"] == "on",
            requiresAcknowledgement: form["requires_ack"] == "on", fallbackLanguage: form["fallback_language"] ?? variants.first?.language ?? "en",
            callToAction: cta, campaignID: campaign, expiresAt: expires, topicIDs: try ids("topic_ids"),
            tags: (form["tags"] ?? "").split(separator: ",").map(String.init), audiences: audiences, channels: channels, variants: variants)
        return (content, form.text("version").flatMap { Int($0) })
    }

    /// The end of a calendar day in UTC (expiry dates are days).
    static func day(_ raw: String, field: String) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = raw.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 23, minute: 59)),
              DateComponents(year: parts[0], month: parts[1], day: parts[2]).isValidDate(in: calendar) else {
            throw AppError.invalid(field, "Give the date as YYYY-MM-DD.")
        }
        return date
    }
}
