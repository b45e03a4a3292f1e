public import Analytics
import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// Reads the joint view: the survey half from the per-group tallies (`survey_groups`,
/// `survey_tallies`), the engagement half from the per-post recipient counts and rollups, for
/// posts published in the 90 days up to the survey's close (or today while it is open).
public struct JointStore: Sendable {
    let database: Database
    let metrics: PostMetricsStore
    public let suppression: Suppression
    public static let windowDays = 90

    public init(database: Database, threshold: Int) {
        self.database = database
        metrics = PostMetricsStore(database: database)
        suppression = Suppression(threshold: threshold)
    }

    /// What the caller asked for, checked against the survey.
    public struct Query: Sendable, Equatable {
        public let question: Question
        public let dimension: SurveyDimension
        public let topic: (id: Int64, name: String)?

        public static func == (a: Query, b: Query) -> Bool {
            a.question == b.question && a.dimension == b.dimension && a.topic?.id == b.topic?.id
        }
    }

    /// Questions the view can compare: ratings and eNPS (a matrix's statements are compared on
    /// the heatmap).
    public static func comparable(_ survey: Survey) -> [Question] {
        survey.questions.filter { $0.kind == .rating || $0.kind == .enps }
    }

    /// Checks the parameters; 422 naming the field for anything that cannot be compared.
    public func query(_ survey: Survey, question key: String?, by: String?, topic: String?) async throws -> Query {
        guard survey.state != .draft else {
            throw AppError(.unprocessableContent, code: "survey_draft", message: "\(survey.title) is still a draft: it has no answers to read beside engagement yet.", field: nil)
        }
        let choices = Self.comparable(survey)
        let question: Question
        if let key, !key.isEmpty {
            guard let found = survey.questions.first(where: { $0.key == key }) else {
                throw AppError.invalid("question", "There is no question \(key.prefix(20)) in this survey; it has \(survey.questions.map(\.key).joined(separator: ", ")).")
            }
            guard found.kind == .rating || found.kind == .enps else {
                throw AppError.invalid("question", "\(found.key) is a \(found.kind.rawValue) question, which has no score; compare a rating or eNPS question (\(Self.list(choices))).")
            }
            question = found
        } else {
            guard let first = choices.first else { throw AppError.invalid("question", "This survey has no rating or eNPS question to compare with engagement.") }
            question = first
        }
        var dimension = SurveyDimension.department
        if let by, !by.isEmpty {
            guard let parsed = SurveyDimension(rawValue: by) else {
                throw AppError.invalid("by", "Compare by one of \(SurveyDimension.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            dimension = parsed
        }
        var chosen: (id: Int64, name: String)?
        if let topic, !topic.isEmpty {
            guard let id = Int64(topic), id > 0,
                  let name = try await database.reader.raw("SELECT name FROM topics WHERE id = \(bind: id)").first()?.decode(column: "name", as: String.self) else {
                throw AppError.invalid("topic", "There is no topic \(topic.prefix(20)); leave it empty for every post, or pick one from the list.")
            }
            chosen = (id, name)
        }
        return Query(question: question, dimension: dimension, topic: chosen)
    }

    static func list(_ questions: [Question]) -> String {
        questions.isEmpty ? "this survey has none" : questions.map(\.key).joined(separator: ", ")
    }

    /// Topics to choose from, by name.
    public func topics() async throws -> [(id: Int64, name: String)] {
        try await database.reader.raw("SELECT id, name FROM topics ORDER BY name, id").all().map {
            (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self))
        }
    }

    /// The engagement window: the 90 days up to the close, or up to today while open.
    public static func window(_ survey: Survey, now: Date = Date()) -> AnalyticsPeriod {
        AnalyticsPeriod.recent(now: survey.closedAt ?? now, days: windowDays)
    }

    public func view(_ survey: Survey, _ query: Query, now: Date = Date()) async throws -> JointView {
        let surveyed = try await surveyHalf(survey, query)
        let window = Self.window(survey, now: now)
        let engagement = try await engagementHalf(query, window: window, surveyValues: Set(surveyed.values))
        // Rows: every survey group, then engagement-only values, by name; "Other" last.
        var order = surveyed.values
        for value in engagement.rows.keys.sorted() where !order.contains(value) { order.append(value) }
        order.sort { ($0 == SegmentCoarsening.other ? 1 : 0, $0) < ($1 == SegmentCoarsening.other ? 1 : 0, $1) }
        let rows = order.map { value in
            let s = surveyed.rows[value], e = engagement.rows[value]
            return JointView.Row(value: value, comparable: s != nil, pooled: (e?.pooled ?? []).filter { $0 != value },
                                 responses: s?.responses, answers: s?.answers, score: s?.score, mean: s?.mean,
                                 // No engagement row: nobody in the group got a post in the window.
                                 recipients: e == nil ? 0 : e?.recipients, reached: e == nil ? 0 : e?.reached, read: e == nil ? 0 : e?.read)
        }
        let overall = JointView.Row(value: "All", comparable: true, pooled: [], responses: surveyed.overall.responses, answers: surveyed.overall.answers,
                                    score: surveyed.overall.score, mean: surveyed.overall.mean, recipients: engagement.overall.recipients,
                                    reached: engagement.overall.reached, read: engagement.overall.read)
        return JointView(surveyID: survey.id, question: query.question.key, prompt: query.question.prompt, measure: query.question.kind == .enps ? "enps" : "favourable",
                         dimension: query.dimension, topicID: query.topic?.id, topic: query.topic?.name, from: window.from, to: window.to, posts: engagement.posts,
                         threshold: suppression.threshold, overall: overall, rows: rows, correlation: JointRules.correlation(rows))
    }

    // MARK: The survey half

    struct SurveyFigures { var responses: Int?; var answers: Int?; var score: Double?; var mean: Double? }

    func surveyHalf(_ survey: Survey, _ query: Query) async throws -> (values: [String], rows: [String: SurveyFigures], overall: SurveyFigures) {
        let column = query.dimension.rawValue
        var responses: [String: Int] = [:]
        for row in try await database.reader.raw("""
            SELECT \(ident: column) AS g, CAST(SUM(counted) AS BIGINT) AS n FROM survey_groups WHERE survey_id = \(bind: survey.id) GROUP BY \(ident: column)
            """).all() {
            responses[try row.decode(column: "g", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self))
        }
        var counts: [String: [Int: Int]] = [:]
        for row in try await database.reader.raw("""
            SELECT \(ident: column) AS g, value, CAST(SUM(n) AS BIGINT) AS n FROM survey_tallies
            WHERE survey_id = \(bind: survey.id) AND question = \(bind: query.question.key) AND item = '' AND value <> \(bind: TallyKey.answered)
            GROUP BY \(ident: column), value
            """).all() {
            guard let number = Int(try row.decode(column: "value", as: String.self)) else { continue }
            counts[try row.decode(column: "g", as: String.self), default: [:]][number, default: 0] += Int(try row.decode(column: "n", as: Int64.self))
        }
        // "—" means the survey's groups dropped this attribute altogether (too few people).
        let values = responses.keys.filter { $0 != SegmentCoarsening.hidden }.sorted()
        let hidden = suppression.hidden(values.map { responses[$0] ?? 0 })
        var rows: [String: SurveyFigures] = [:]
        for (index, value) in values.enumerated() {
            let n = responses[value] ?? 0
            guard !hidden.contains(index), suppression.allows(n) else { rows[value] = SurveyFigures(); continue }
            rows[value] = figures(counts[value] ?? [:], responses: n, question: query.question)
        }
        var all: [Int: Int] = [:]
        for answers in counts.values { for (value, n) in answers { all[value, default: 0] += n } }
        let total = responses.values.reduce(0, +)
        let overall = total >= suppression.threshold ? figures(all, responses: total, question: query.question) : SurveyFigures()
        return (values, rows, overall)
    }

    /// A shown group's figures; the score needs the threshold of answers too.
    func figures(_ answers: [Int: Int], responses: Int, question: Question) -> SurveyFigures {
        let n = answers.values.reduce(0, +)
        guard n >= suppression.threshold, let scale = question.scale else { return SurveyFigures(responses: responses, answers: nil, score: nil, mean: nil) }
        let mean = Double(answers.reduce(0) { $0 + $1.key * $1.value }) / Double(n)
        let score: Double?
        if question.kind == .enps {
            score = SurveyMath.enps(answers)?.score
        } else {
            score = Double(answers.filter { SurveyMath.leaning($0.key, scale: scale) == .favourable }.values.reduce(0, +)) / Double(n)
        }
        return SurveyFigures(responses: responses, answers: n, score: score, mean: mean)
    }

    // MARK: The engagement half

    struct EngagementFigures { var pooled: [String] = []; var recipients: Int?; var reached: Int?; var read: Int? }

    func engagementHalf(_ query: Query, window: AnalyticsPeriod, surveyValues: Set<String>) async throws
        -> (rows: [String: EngagementFigures], overall: EngagementFigures, posts: Int) {
        try await metrics.countRecipients(publishedFrom: window.start, to: window.end)
        var posts: SQLQueryString = """
            SELECT p.id FROM posts p WHERE p.state IN ('published', 'archived', 'withdrawn') AND p.publish_at >= \(bind: window.start) AND p.publish_at < \(bind: window.end)
            """
        if let topic = query.topic { posts = posts + " AND p.id IN (SELECT t.post_id FROM post_topics t WHERE t.topic_id = \(bind: topic.id))" }
        let postCount = try await database.reader.raw("SELECT COUNT(*) AS n FROM (\(posts)) x").first()?.decode(column: "n", as: Int64.self) ?? 0
        let dimension = query.dimension.rawValue
        // Per post and value, so each row's population is its largest single post's audience
        // (the people behind a row, as ChannelMatrix counts them), pooled values included.
        var delivered: [String: (sum: Int, perPost: [Int64: Int])] = [:]
        var members: [String: Set<String>] = [:]
        var everyone: [Int64: Int] = [:]
        for row in try await database.reader.raw("""
            SELECT post_id, value, people FROM engagement_recipients WHERE dimension = \(bind: dimension) AND channel = 'any' AND post_id IN (\(posts))
            """).all() {
            let value = try row.decode(column: "value", as: String.self)
            let post = try row.decode(column: "post_id", as: Int64.self)
            let people = Int(try row.decode(column: "people", as: Int64.self))
            let target = JointRules.rowValue(forEngagement: value, surveyValues: surveyValues)
            delivered[target, default: (0, [:])].sum += people
            delivered[target, default: (0, [:])].perPost[post, default: 0] += people
            members[target, default: []].insert(value)
            everyone[post, default: 0] += people
        }
        var people: [String: [String: Int]] = [:]
        for row in try await database.reader.raw("""
            SELECT value, kind, CAST(SUM(people) AS BIGINT) AS people FROM engagement_rollups
            WHERE dimension = \(bind: dimension) AND channel = 'any' AND kind IN ('reached', 'read') AND post_id IN (\(posts)) GROUP BY value, kind
            """).all() {
            let target = JointRules.rowValue(forEngagement: try row.decode(column: "value", as: String.self), surveyValues: surveyValues)
            people[target, default: [:]][try row.decode(column: "kind", as: String.self), default: 0] += Int(try row.decode(column: "people", as: Int64.self))
        }
        let values = delivered.keys.sorted()
        let largest = values.map { delivered[$0]?.perPost.values.max() ?? 0 }
        let hidden = suppression.hidden(largest)
        var rows: [String: EngagementFigures] = [:]
        for (index, value) in values.enumerated() {
            let pooled = (members[value] ?? []).sorted()
            guard !hidden.contains(index), suppression.allows(largest[index]) else { rows[value] = EngagementFigures(pooled: pooled); continue }
            rows[value] = EngagementFigures(pooled: pooled, recipients: delivered[value]?.sum ?? 0, reached: people[value]?["reached"] ?? 0, read: people[value]?["read"] ?? 0)
        }
        var overall = EngagementFigures()
        if suppression.allows(everyone.values.max() ?? 0) {
            overall = EngagementFigures(recipients: everyone.values.reduce(0, +), reached: people.values.reduce(0) { $0 + ($1["reached"] ?? 0) },
                                        read: people.values.reduce(0) { $0 + ($1["read"] ?? 0) })
        }
        return (rows, overall, Int(postCount))
    }
}
