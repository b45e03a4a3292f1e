import Crypto
public import Foundation

/// The JSON each kind of destination receives for a published post. Pure, so the shapes are
/// tested without a server.
public enum DestinationPayload {
    public struct Item: Sendable, Equatable {
        public let postID: Int64
        public let title: String
        public let summary: String
        public let language: String
        public let priority: String
        public let topics: [String]
        public let url: String
        public let publishedAt: Date
        /// The button's words: "Read on Tandem" for a post, "Answer the survey" for a survey.
        public var action = "Read on Tandem"

        public init(postID: Int64, title: String, summary: String, language: String, priority: String, topics: [String], url: String, publishedAt: Date,
                    action: String = "Read on Tandem") {
            self.action = action
            self.postID = postID
            self.title = title
            self.summary = summary
            self.language = language
            self.priority = priority
            self.topics = topics
            self.url = url
            self.publishedAt = publishedAt
        }
    }

    /// Slack incoming webhook: `text` (the notification and the fallback) and Block Kit blocks.
    /// Slack's mrkdwn treats `&`, `<` and `>` as markup, so they are escaped.
    public static func slack(_ item: Item) throws -> Data {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let marker = item.priority == "critical" ? ":rotating_light: " : item.priority == "important" ? ":pushpin: " : ""
        let body: [String: Any] = [
            "text": marker + escaped(item.title),
            "blocks": [
                ["type": "header", "text": ["type": "plain_text", "text": String((marker.isEmpty ? "" : (item.priority == "critical" ? "🚨 " : "📌 ")) + item.title).prefix(150), "emoji": true]],
                ["type": "section", "text": ["type": "mrkdwn", "text": String((escaped(item.summary) + "\n<\(item.url)|\(escaped(item.action))>").prefix(3_000))]],
                ["type": "context", "elements": [["type": "mrkdwn", "text": escaped(([item.priority.capitalized] + item.topics).joined(separator: " · "))]]],
            ],
        ]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    /// Microsoft Teams incoming webhook (Workflows): a message carrying one Adaptive Card.
    public static func teams(_ item: Item) throws -> Data {
        let card: [String: Any] = [
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "body": [
                ["type": "TextBlock", "text": item.title, "weight": "Bolder", "size": "Medium", "wrap": true,
                 "color": item.priority == "critical" ? "Attention" : "Default"],
                ["type": "TextBlock", "text": item.summary, "wrap": true],
                ["type": "TextBlock", "text": ([item.priority.capitalized] + item.topics).joined(separator: " · "), "isSubtle": true, "size": "Small", "wrap": true],
            ],
            "actions": [["type": "Action.OpenUrl", "title": item.action, "url": item.url]],
        ]
        let body: [String: Any] = ["type": "message", "attachments": [["contentType": "application/vnd.microsoft.card.adaptive", "content": card]]]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    /// A generic webhook: the event, its id (the same on every retry) and the post.
    public static func webhook(_ item: Item, eventID: String, event: String = "post.published") throws -> Data {
        let formatter = ISO8601DateFormatter()
        let body: [String: Any] = [
            "event": event, "id": eventID,
            "post": ["id": item.postID, "title": item.title, "summary": item.summary, "language": item.language, "priority": item.priority,
                     "topics": item.topics, "url": item.url, "published_at": formatter.string(from: item.publishedAt)] as [String: Any],
        ]
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    /// `X-Tandem-Signature`: HMAC-SHA256 over "<timestamp>.<body>" with the destination's secret,
    /// so the receiver can check the sender and refuse old replays by the timestamp.
    public static func signature(secret: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
