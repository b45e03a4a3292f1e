import Engagement
import Foundation
import SQLKit
import TandemCore
import TandemStore

/// The figures KPI formulas can use, and how each is read from the rollups for a period.
/// Post figures sum over the posts published in the period, person by post (a person who
/// received three posts counts three times), so `reached / recipients` is the share of
/// deliveries that reached their person.
struct KPIMetrics: Sendable {
    let database: Database
    let metrics: PostMetricsStore
    /// Metrics from other features (survey scores), asked before the built-in ones.
    let sources: [any KPIMetricSource]

    static let eventKinds: [String: EventKind] = Dictionary(uniqueKeysWithValues: EventKind.allCases.map { ($0.rawValue, $0) })
    static let segmentKeys: [String: SegmentDimension] = ["country": .country, "department": .department, "site": .site, "worker_type": .workerType, "language": .language]
    static let vocabulary = KPIFormulaVocabulary(
        metrics: Set(eventKinds.keys).union(["recipients", "acknowledged_24h", "posts", "headcount"]),
        filterKeys: Set(segmentKeys.keys).union(["channel", "campaign", "priority"]))
    static let priorities = ["normal", "important", "critical"]

    /// What each metric accepts, checked when a KPI is saved.
    static func check(_ metric: MetricReference) throws {
        let segments = metric.filters.keys.filter { segmentKeys[$0] != nil }.sorted()
        func refuse(_ message: String) -> AppError { AppError.invalid("formula", "\(metric.description): \(message)") }
        if segments.count > 1 {
            throw refuse("filter by one breakdown at a time (\(segments.joined(separator: " and ")) given); figures are kept per country, department, site, worker type and language separately.")
        }
        if let channel = metric.filters["channel"], EventChannel(rawValue: channel) == nil {
            throw refuse("channel is one of \(EventChannel.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if let campaign = metric.filters["campaign"], Int64(campaign) == nil || Int64(campaign)! < 1 {
            throw refuse("campaign takes the campaign's number, e.g. campaign=\"12\" (it is in the campaign's address).")
        }
        if let priority = metric.filters["priority"], !priorities.contains(priority) {
            throw refuse("priority is one of \(priorities.joined(separator: ", ")).")
        }
        switch metric.name {
        case "headcount":
            if let other = metric.filters.keys.first(where: { segmentKeys[$0] == nil }) {
                throw refuse("headcount counts employees today and takes only a breakdown filter, not \(other).")
            }
        case "posts":
            if let other = metric.filters.keys.first(where: { $0 != "campaign" && $0 != "priority" }) {
                throw refuse("posts counts posts published in the period and takes only campaign and priority, not \(other).")
            }
        case "acknowledged_24h":
            if let segment = segments.first {
                throw refuse("acknowledgements within 24 hours are kept per post and channel only, so it cannot be filtered by \(segment).")
            }
        default:
            break
        }
    }

    struct Reading: Sendable {
        var values: [MetricReference: Double] = [:]
        /// Set when a filtered group is smaller than the privacy threshold.
        var suppressed: String?
        /// Set when a source has nothing to measure in the period.
        var missing: String?
    }

    /// Every metric of `formula` over posts published in [start, end).
    func read(_ formula: KPIFormula, start: Date, end: Date, suppression: Suppression) async throws -> Reading {
        let from = Millis.from(start), to = Millis.from(end)
        try await metrics.countRecipients(publishedFrom: from, to: to)
        var reading = Reading()
        for metric in formula.metrics.sorted(by: { $0.description < $1.description }) {
            if let source = sources.first(where: { $0.metricNames.contains(metric.name) }) {
                switch try await source.read(metric, start: start, end: end, suppression: suppression) {
                case .value(let value): reading.values[metric] = value
                case .none(let why): reading.missing = reading.missing ?? why
                case .hidden(let why): reading.suppressed = reading.suppressed ?? why
                }
                continue
            }
            let (value, population) = try await value(metric, from: from, to: to)
            reading.values[metric] = value
            if let population, !suppression.allows(population), reading.suppressed == nil {
                reading.suppressed = "\(metric.description) covers fewer than \(suppression.threshold) people, so the value is hidden."
            }
        }
        return reading
    }

    /// A metric's value and, when it is filtered to a group, the group's size for the privacy rule.
    func value(_ metric: MetricReference, from: Int64, to: Int64) async throws -> (Double, Int?) {
        let segment = metric.filters.first { Self.segmentKeys[$0.key] != nil }.map { (Self.segmentKeys[$0.key]!, $0.value) }
        let channel = metric.filters["channel"] ?? "any"
        var postFilter: SQLQueryString = "p.state IN ('published', 'archived', 'withdrawn') AND p.publish_at >= \(bind: from) AND p.publish_at < \(bind: to)"
        if let campaign = metric.filters["campaign"].flatMap({ Int64($0) }) { postFilter = postFilter + " AND p.campaign_id = \(bind: campaign)" }
        if let priority = metric.filters["priority"] { postFilter = postFilter + " AND p.priority = \(bind: priority)" }
        let dimension = segment?.0.rawValue ?? "all", value = segment?.1 ?? ""

        switch metric.name {
        case "headcount":
            var sql: SQLQueryString = "SELECT COUNT(*) AS n FROM employees e WHERE (e.termination_date IS NULL OR e.termination_date > \(bind: Self.today()))"
            if let (dimension, value) = segment {
                let column: SQLQueryString = switch dimension {
                case .country: "e.country"
                case .department: "COALESCE(e.department, '')"
                case .site: "COALESCE(e.site, '')"
                case .workerType: "e.worker_type"
                case .language: "e.language"
                case .all: "''"
                }
                sql = sql + " AND \(column) = \(bind: value)"
            }
            let n = Int(try await database.reader.raw(sql).first()?.decode(column: "n", as: Int64.self) ?? 0)
            return (Double(n), segment == nil ? nil : n)
        case "posts":
            let n = try await database.reader.raw("SELECT COUNT(*) AS n FROM posts p WHERE \(postFilter)").first()?.decode(column: "n", as: Int64.self) ?? 0
            return (Double(n), nil)
        case "acknowledged_24h":
            let n = try await database.reader.raw("""
                SELECT CAST(COALESCE(SUM(h.people), 0) AS BIGINT) AS n FROM engagement_hourly h JOIN posts p ON p.id = h.post_id
                WHERE \(postFilter) AND h.kind = 'acknowledged' AND h.channel = \(bind: channel) AND h.hour < p.publish_at / 3600000 + 24
                """).first()?.decode(column: "n", as: Int64.self) ?? 0
            return (Double(n), nil)
        default:
            break
        }
        // The group's size: at least its largest single post's audience.
        var population: Int?
        if segment != nil {
            population = Int(try await database.reader.raw("""
                SELECT CAST(COALESCE(MAX(r.people), 0) AS BIGINT) AS n FROM engagement_recipients r JOIN posts p ON p.id = r.post_id
                WHERE \(postFilter) AND r.dimension = \(bind: dimension) AND r.value = \(bind: value) AND r.channel = \(bind: channel)
                """).first()?.decode(column: "n", as: Int64.self) ?? 0)
        }
        if metric.name == "recipients" {
            let n = try await database.reader.raw("""
                SELECT CAST(COALESCE(SUM(r.people), 0) AS BIGINT) AS n FROM engagement_recipients r JOIN posts p ON p.id = r.post_id
                WHERE \(postFilter) AND r.dimension = \(bind: dimension) AND r.value = \(bind: value) AND r.channel = \(bind: channel)
                """).first()?.decode(column: "n", as: Int64.self) ?? 0
            return (Double(n), population)
        }
        let n = try await database.reader.raw("""
            SELECT CAST(COALESCE(SUM(r.people), 0) AS BIGINT) AS n FROM engagement_rollups r JOIN posts p ON p.id = r.post_id
            WHERE \(postFilter) AND r.dimension = \(bind: dimension) AND r.value = \(bind: value) AND r.channel = \(bind: channel) AND r.kind = \(bind: metric.name)
            """).first()?.decode(column: "n", as: Int64.self) ?? 0
        return (Double(n), population)
    }

    static func today() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date())
    }
}
