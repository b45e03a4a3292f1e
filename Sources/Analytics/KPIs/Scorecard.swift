public import TandemCore
public import Foundation

/// A KPI's value this period and last, as a team's scorecard shows it.
public struct ScorecardRow: Sendable {
    public let kpi: KPI
    public let current: KPIValue
    public let previous: KPIValue
}

/// One team's KPIs (its own and the shared ones) and how many meet their target.
public struct Scorecard: Sendable {
    public let team: KPITeam
    public let rows: [ScorecardRow]
    public var measured: Int { rows.filter { $0.current.value != nil }.count }
    public var met: Int { rows.filter { $0.current.met($0.kpi) == true }.count }

    /// Each team's card: HR, IC and Marketing, each with its own KPIs and the shared ones.
    public static func cards(_ rows: [ScorecardRow]) -> [Scorecard] {
        [KPITeam.hr, .ic, .marketing].map { team in
            Scorecard(team: team, rows: rows.filter { $0.kpi.ownerTeam == team || $0.kpi.ownerTeam == .shared })
        }
    }
}

extension KPIStore {
    /// Every KPI's value this period and last.
    public func scorecardRows(now: Date = Date(), suppression: Suppression) async throws -> [ScorecardRow] {
        var rows: [ScorecardRow] = []
        for kpi in try await all() {
            let values = try await progress(kpi, periods: 2, now: now, suppression: suppression)
            rows.append(ScorecardRow(kpi: kpi, current: values[1], previous: values[0]))
        }
        return rows
    }
}
