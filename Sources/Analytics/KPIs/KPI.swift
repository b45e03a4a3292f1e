public import Foundation
public import TandemCore

/// The team a KPI belongs to; `shared` KPIs show on every team's scorecard.
public enum KPITeam: String, Sendable, Codable, CaseIterable {
    case hr, ic, marketing, shared

    public var title: String {
        switch self {
        case .hr: "HR"
        case .ic: "Internal Communications"
        case .marketing: "Marketing"
        case .shared: "Shared"
        }
    }
}

/// Whether more is better.
public enum KPIDirection: String, Sendable, Codable, CaseIterable {
    case higher, lower

    public var title: String { self == .higher ? "Higher is better" : "Lower is better" }
}

/// The span a KPI's value is measured over: posts published in it count.
public enum KPIPeriodKind: String, Sendable, Codable, CaseIterable {
    case week, month, quarter

    public var title: String {
        switch self {
        case .week: "Weekly"
        case .month: "Monthly"
        case .quarter: "Quarterly"
        }
    }
}

/// How a value shows: `percent` multiplies the formula's result by 100 (reached / recipients
/// gives 0.82, shown as 82%), and its target is written in percent.
public enum KPIUnit: String, Sendable, Codable, CaseIterable {
    case percent, number

    public var title: String { self == .percent ? "Percent" : "Number" }
}

/// A named metric with a formula over Tandem's figures, an owner team, a target, a period and
/// a direction.
public struct KPI: Sendable, Equatable, Codable {
    public typealias ID = Int64
    public let id: ID
    public let name: String
    public let description: String
    public let formula: String
    public let ownerTeam: KPITeam
    public let target: Double
    public let direction: KPIDirection
    public let period: KPIPeriodKind
    public let unit: KPIUnit
    public let version: Int
    public let updatedBy: String
    public let updatedAt: Date
}

public struct KPIDraft: Sendable, Equatable {
    public let name: String
    public let description: String
    public let formula: KPIFormula
    public let ownerTeam: KPITeam
    public let target: Double
    public let direction: KPIDirection
    public let period: KPIPeriodKind
    public let unit: KPIUnit

    /// Checks every field at the edge; a formula that does not parse, or names a filter a
    /// metric cannot take, is refused with the place and the reason.
    public init(name: String, description: String, formula: String, ownerTeam: String, target: String, direction: String, period: String, unit: String,
                sources: [any KPIMetricSource] = []) throws {
        self.name = try TextRules.singleLine(name, field: "name", label: "The name", range: 1...120)
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard description.count <= 1_000 else { throw AppError.invalid("description", "The description must be at most 1,000 characters.") }
        self.description = description
        do {
            self.formula = try KPIFormula(parsing: formula, vocabulary: KPIMetrics.vocabulary(sources))
        } catch {
            throw AppError.invalid("formula", "\(error.message) (at character \(error.offset + 1))")
        }
        for metric in self.formula.metrics {
            try KPIMetrics.check(metric, sources: sources)
        }
        guard let team = KPITeam(rawValue: ownerTeam.trimmingCharacters(in: .whitespaces)) else {
            throw AppError.invalid("owner_team", "Choose the owner team: \(KPITeam.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        self.ownerTeam = team
        let targetText = target.trimmingCharacters(in: .whitespaces)
        guard let value = Double(targetText), value.isFinite, abs(value) <= 1e12 else {
            throw AppError.invalid("target", targetText.isEmpty ? "Give a target, e.g. 80 for 80%." : "The target \"\(targetText.prefix(30))\" is not a number.")
        }
        self.target = value
        guard let direction = KPIDirection(rawValue: direction.trimmingCharacters(in: .whitespaces)) else {
            throw AppError.invalid("direction", "Choose whether higher or lower is better: higher, lower.")
        }
        self.direction = direction
        guard let period = KPIPeriodKind(rawValue: period.trimmingCharacters(in: .whitespaces)) else {
            throw AppError.invalid("period", "Choose the period: week, month or quarter.")
        }
        self.period = period
        guard let unit = KPIUnit(rawValue: unit.trimmingCharacters(in: .whitespaces)) else {
            throw AppError.invalid("unit", "Choose the unit: percent or number.")
        }
        self.unit = unit
        if unit == .percent && !(0...1_000).contains(value) {
            throw AppError.invalid("target", "A percent target is between 0 and 1,000.")
        }
    }
}

/// One period's value of a KPI, or why it has none.
public struct KPIValue: Sendable, Equatable {
    public let start: Date
    public let label: String
    /// In the KPI's unit (percent already × 100); nil when there is none.
    public let value: Double?
    /// Why there is no value: a division by zero, a group under the privacy threshold.
    public let note: String?

    /// How far the target is attained: value / target when higher is better, target / value
    /// when lower is; nil without a value.
    public func attainment(_ kpi: KPI) -> Double? {
        guard let value else { return nil }
        switch kpi.direction {
        case .higher: return kpi.target == 0 ? (value >= 0 ? 1 : 0) : value / kpi.target
        case .lower: return value == 0 ? 1 : kpi.target / value
        }
    }

    public func met(_ kpi: KPI) -> Bool? {
        guard let value else { return nil }
        return kpi.direction == .higher ? value >= kpi.target : value <= kpi.target
    }
}
