/// Three-way polarity of a comment.
public enum SentimentLabel: String, Sendable, Codable, CaseIterable {
    case positive
    case neutral
    case negative
}
