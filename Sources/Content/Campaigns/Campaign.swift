public import Foundation
import People
public import TandemCore

/// The teams that run campaigns together.
public enum CampaignTeam: String, Sendable, Codable, CaseIterable {
    case hr, ic, marketing

    public var title: String {
        switch self {
        case .hr: "HR"
        case .ic: "Internal Communications"
        case .marketing: "Marketing"
        }
    }
}

/// A campaign groups posts under one goal, e.g. the internal "We are the show" paired with the
/// external brand campaign "Welcome to the show".
public struct Campaign: Sendable, Equatable, Codable {
    public typealias ID = Int64
    public let id: ID
    public let name: String
    public let goal: String
    public let ownerTeams: [CampaignTeam]
    /// Calendar days, YYYY-MM-DD.
    public let startsOn: String
    public let endsOn: String
    public let externalName: String?
    public let externalURL: String?
    /// The outcome the campaign should move (analytics measures it later), e.g. "401(k) participation".
    public let outcomeMetric: String
    public let postCount: Int
    public let updatedBy: String
    public let updatedAt: Date
}

public struct CampaignDraft: Sendable, Equatable {
    public let name: String
    public let goal: String
    public let ownerTeams: [CampaignTeam]
    public let startsOn: String
    public let endsOn: String
    public let externalName: String?
    public let externalURL: String?
    public let outcomeMetric: String

    public init(name: String, goal: String, ownerTeams: [CampaignTeam], startsOn: String, endsOn: String,
                externalName: String?, externalURL: String?, outcomeMetric: String) throws {
        self.name = try TextRules.singleLine(name, field: "name", label: "The name", range: 1...80)
        let goal = goal.trimmed
        guard goal.count <= 1_000 else { throw AppError.invalid("goal", "The goal must be at most 1,000 characters.") }
        self.goal = goal
        guard !ownerTeams.isEmpty else { throw AppError.invalid("owner_teams", "Choose at least one owner team: HR, Internal Communications or Marketing.") }
        self.ownerTeams = CampaignTeam.allCases.filter(ownerTeams.contains)
        guard let start = try EmployeeRules.date(startsOn, field: "starts_on") else { throw AppError.invalid("starts_on", "Give the start date (YYYY-MM-DD).") }
        guard let end = try EmployeeRules.date(endsOn, field: "ends_on") else { throw AppError.invalid("ends_on", "Give the end date (YYYY-MM-DD).") }
        guard end >= start else { throw AppError.invalid("ends_on", "The campaign ends (\(end)) before it starts (\(start)).") }
        self.startsOn = start
        self.endsOn = end
        let external = externalName?.trimmed ?? ""
        self.externalName = external.isEmpty ? nil : try TextRules.singleLine(external, field: "external_name", label: "The external campaign", range: 1...80)
        let url = externalURL?.trimmed ?? ""
        if url.isEmpty {
            self.externalURL = nil
        } else {
            guard url.count <= 2_000, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["https", "http"].contains(scheme), parsed.host != nil else {
                throw AppError.invalid("external_url", "The external campaign's link must be an https:// address.")
            }
            self.externalURL = url
        }
        let metric = outcomeMetric.trimmed
        self.outcomeMetric = metric.isEmpty ? "" : try TextRules.singleLine(metric, field: "outcome_metric", label: "The outcome metric", range: 1...120)
    }
}
