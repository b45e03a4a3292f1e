import Foundation

/// eNPS and favourability, as plain arithmetic over answer counts.
public enum SurveyMath {
    public struct ENPS: Sendable, Equatable, Codable {
        public let responses: Int
        public let promoters: Int
        public let passives: Int
        public let detractors: Int
        /// % promoters − % detractors, −100…100.
        public let score: Double
        /// Half-width of the 95% confidence interval, in points.
        public let margin: Double
        public var low: Double { max(-100, score - margin) }
        public var high: Double { min(100, score + margin) }
    }

    /// From counts of each answer 0–10. Each answer scores +1 (9–10), 0 (7–8) or −1 (0–6); the
    /// score is their mean × 100 and the interval is the normal approximation, 1.96 standard
    /// errors of that mean: √((p + d − (p − d)²) / n) with p and d the promoter and detractor
    /// shares.
    public static func enps(_ counts: [Int: Int]) -> ENPS? {
        let n = counts.values.reduce(0, +)
        guard n > 0 else { return nil }
        let promoters = (9...10).reduce(0) { $0 + (counts[$1] ?? 0) }
        let detractors = (0...6).reduce(0) { $0 + (counts[$1] ?? 0) }
        let p = Double(promoters) / Double(n), d = Double(detractors) / Double(n)
        let variance = max(0, p + d - (p - d) * (p - d))
        return ENPS(responses: n, promoters: promoters, passives: n - promoters - detractors, detractors: detractors,
                    score: (p - d) * 100, margin: 1.96 * (variance / Double(n)).squareRoot() * 100)
    }

    public enum Leaning: String, Sendable, Codable, CaseIterable { case favourable, neutral, unfavourable }

    /// 1–5: 4–5 favourable, 3 neutral, 1–2 unfavourable. 0–10: 8–10 favourable, 5–7 neutral,
    /// 0–4 unfavourable.
    public static func leaning(_ value: Int, scale: ClosedRange<Int>) -> Leaning {
        if scale == 0...10 {
            return value >= 8 ? .favourable : value >= 5 ? .neutral : .unfavourable
        }
        return value >= 4 ? .favourable : value == 3 ? .neutral : .unfavourable
    }
}
