public import Foundation
public import TandemCore

/// Figures a KPI formula may use that live outside Analytics: survey scores come from
/// Listening, which Analytics cannot import (Listening reads the rollups, so the dependency
/// runs the other way). The app passes the sources in when it builds `AnalyticsFeature`.
public protocol KPIMetricSource: Sendable {
    /// The metric names this source answers for (e.g. `survey_enps`).
    var metricNames: Set<String> { get }
    /// Filter keys its metrics take besides the shared breakdown keys (country, department, …).
    var filterKeys: Set<String> { get }
    /// Refuses a metric whose filters cannot work, with a 422 on the `formula` field; called
    /// when a KPI is saved.
    func check(_ metric: MetricReference) throws
    /// The metric's value for the period [start, end), with the privacy threshold applied.
    func read(_ metric: MetricReference, start: Date, end: Date, suppression: Suppression) async throws -> KPISourceValue
}

/// One metric's figure for a period, or why there is none.
public enum KPISourceValue: Sendable, Equatable {
    case value(Double)
    /// Nothing to measure in this period (e.g. no survey closed in it); the text says so.
    case none(String)
    /// The figure describes fewer people than the privacy threshold allows.
    case hidden(String)
}

extension KPIMetrics {
    /// The built-in vocabulary with every source's metrics and filter keys added.
    static func vocabulary(_ sources: [any KPIMetricSource]) -> KPIFormulaVocabulary {
        guard !sources.isEmpty else { return vocabulary }
        return KPIFormulaVocabulary(metrics: sources.reduce(vocabulary.metrics) { $0.union($1.metricNames) },
                                    filterKeys: sources.reduce(vocabulary.filterKeys) { $0.union($1.filterKeys) })
    }

    /// Checks a metric against its source, or the built-in rules; a built-in metric may not take
    /// a filter only a source knows (it would be ignored without a word).
    static func check(_ metric: MetricReference, sources: [any KPIMetricSource]) throws {
        if let source = sources.first(where: { $0.metricNames.contains(metric.name) }) {
            try source.check(metric)
            return
        }
        if let foreign = metric.filters.keys.sorted().first(where: { !vocabulary.filterKeys.contains($0) }) {
            throw AppError.invalid("formula", "\(metric.description): \(metric.name) does not take \(foreign); it is a filter of \(sources.filter { $0.filterKeys.contains(foreign) }.flatMap(\.metricNames).sorted().joined(separator: ", ")).")
        }
        try check(metric)
    }
}
