import Foundation
import TandemCore

/// Survey results and engagement for the same groups, side by side: e.g. per department, the
/// share who agree "I understand my benefits" next to the read rate of benefits posts in the
/// 90 days before the survey closed. HR and IC read it together.
///
/// Both halves follow the privacy rule on their own: a survey group needs the threshold of
/// responses (and its score the threshold of answers), an engagement group the threshold of
/// people, and the next smallest group is hidden with a small one so no total gives it away.
public struct JointView: Sendable, Encodable {
    public struct Row: Sendable, Encodable, Equatable {
        /// The group's value ("Sales"), or "Other" for the survey's merged small groups.
        public let value: String
        /// Whether the survey has a group of this value; engagement-only rows have none.
        public let comparable: Bool
        /// Engagement values counted in this row besides `value` (pooled under "Other").
        public let pooled: [String]
        /// Survey responses in the group; nil when hidden.
        public let responses: Int?
        /// Answers to the question; nil when hidden.
        public let answers: Int?
        /// Favourable share (0…1) or eNPS (−100…100); nil when hidden or too few answered.
        public let score: Double?
        /// Mean answer on the question's scale; nil with `score`.
        public let mean: Double?
        /// Deliveries (person × post) in the window; nil when hidden.
        public let recipients: Int?
        public let reached: Int?
        public let read: Int?

        public var reachRate: Double? { rate(reached) }
        public var readRate: Double? { rate(read) }
        func rate(_ part: Int?) -> Double? {
            guard let recipients, recipients > 0, let part else { return nil }
            return Double(part) / Double(recipients)
        }

        enum CodingKeys: String, CodingKey {
            case value, comparable, pooled, responses, answers, score, mean, recipients, reached, read, reachRate, readRate
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(value, forKey: .value)
            try c.encode(comparable, forKey: .comparable)
            try c.encode(pooled, forKey: .pooled)
            try c.encode(responses, forKey: .responses)
            try c.encode(answers, forKey: .answers)
            try c.encode(score, forKey: .score)
            try c.encode(mean, forKey: .mean)
            try c.encode(recipients, forKey: .recipients)
            try c.encode(reached, forKey: .reached)
            try c.encode(read, forKey: .read)
            try c.encode(reachRate, forKey: .reachRate)
            try c.encode(readRate, forKey: .readRate)
        }
    }

    public struct Correlation: Sendable, Encodable, Equatable {
        /// Groups with both a score and a read rate shown.
        public let groups: Int
        /// Pearson's r between score and read rate; nil with fewer than 3 groups or no spread.
        public let r: Double?
        public let caution: String

        enum CodingKeys: String, CodingKey { case groups, r, caution }

        /// `r` is written as null, not left out, so clients see there is none.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(groups, forKey: .groups)
            try c.encode(r, forKey: .r)
            try c.encode(caution, forKey: .caution)
        }
    }

    public let surveyID: Int64
    public let question: String
    public let prompt: String
    /// "favourable" (a share) or "enps".
    public let measure: String
    public let dimension: SurveyDimension
    public let topicID: Int64?
    public let topic: String?
    /// The engagement window, days inclusive.
    public let from: String
    public let to: String
    public let posts: Int
    public let threshold: Int
    /// The whole survey and every post in the window; a half is nil when it is too small.
    public let overall: Row
    public let rows: [Row]
    public let correlation: Correlation

    enum CodingKeys: String, CodingKey {
        case surveyID = "surveyId", question, prompt, measure, dimension, topicID = "topicId", topic, from, to, posts, threshold, overall, rows, correlation
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(surveyID, forKey: .surveyID)
        try c.encode(question, forKey: .question)
        try c.encode(prompt, forKey: .prompt)
        try c.encode(measure, forKey: .measure)
        try c.encode(dimension, forKey: .dimension)
        try c.encode(topicID, forKey: .topicID)
        try c.encode(topic, forKey: .topic)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(posts, forKey: .posts)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(overall, forKey: .overall)
        try c.encode(rows, forKey: .rows)
        try c.encode(correlation, forKey: .correlation)
    }
}

/// The pure rules of the joint view, kept apart from SQL so they can be tested by hand.
public enum JointRules {
    /// Which row each engagement value counts in. Survey groups are coarsened
    /// (`SegmentCoarsening`): a value with too few people became "Other". An engagement value
    /// the survey also has is matched by its label; one it lacks is pooled under "Other" when the
    /// survey has that group (that is where its people's answers went), and otherwise gets a row
    /// of its own marked not comparable, left out of the correlation.
    public static func rowValue(forEngagement value: String, surveyValues: Set<String>) -> String {
        if surveyValues.contains(value) { return value }
        if surveyValues.contains(SegmentCoarsening.other) { return SegmentCoarsening.other }
        return value
    }

    /// Pearson's correlation coefficient; nil for fewer than 3 pairs or when either side has no
    /// spread (r is undefined then).
    public static func pearson(_ pairs: [(x: Double, y: Double)]) -> Double? {
        guard pairs.count >= 3 else { return nil }
        let n = Double(pairs.count)
        let meanX = pairs.reduce(0) { $0 + $1.x } / n, meanY = pairs.reduce(0) { $0 + $1.y } / n
        var covariance = 0.0, varianceX = 0.0, varianceY = 0.0
        for pair in pairs {
            covariance += (pair.x - meanX) * (pair.y - meanY)
            varianceX += (pair.x - meanX) * (pair.x - meanX)
            varianceY += (pair.y - meanY) * (pair.y - meanY)
        }
        guard varianceX > 1e-12, varianceY > 1e-12 else { return nil }
        return max(-1, min(1, covariance / (varianceX * varianceY).squareRoot()))
    }

    public static func correlation(_ rows: [JointView.Row]) -> JointView.Correlation {
        let pairs = rows.compactMap { row -> (x: Double, y: Double)? in
            guard row.comparable, let rate = row.readRate, let score = row.score else { return nil }
            return (rate, score)
        }
        let r = pearson(pairs)
        let caution: String
        if pairs.count < 3 {
            caution = "Fewer than 3 groups have both a score and a read rate shown, so no correlation is given."
        } else if r == nil {
            caution = "The scores or the read rates do not vary between the groups, so there is no correlation to give."
        } else {
            caution = "A correlation over \(pairs.count) groups, not people: it can come from chance or from something else the groups differ in, and says nothing about cause. Read it together with the comments and the numbers in the table."
        }
        return .init(groups: pairs.count, r: r, caution: caution)
    }

    /// "strong", "moderate", "weak" or "no clear" link, for the sentence under the chart.
    public static func strength(_ r: Double) -> String {
        switch abs(r) {
        case 0.7...: "a strong"
        case 0.4..<0.7: "a moderate"
        case 0.2..<0.4: "a weak"
        default: "no clear"
        }
    }
}
