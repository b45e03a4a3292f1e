/// The outcome of scoring one comment.
///
/// `score` is in `-1...1`: negative values lean negative, positive values lean
/// positive. `label` is derived from `score` with a neutral band around zero
/// (see `SentimentWeights.neutralBand` and docs/SENTIMENT.md).
public struct SentimentResult: Sendable, Equatable, Codable {
    public let label: SentimentLabel
    public let score: Double

    public init(label: SentimentLabel, score: Double) {
        self.label = label
        self.score = score
    }

    /// A neutral result with score zero (used for empty or unscorable text).
    public static let neutral = SentimentResult(label: .neutral, score: 0)
}
