public import Foundation
import People
public import TandemCore
import TandemStore

/// A pulse: a draft survey used as the template of waves that open every `everyDays` days to a
/// rotating `samplePercent` of its audience, each open for `openDays` days.
public struct PulseSeries: Sendable, Codable, Equatable {
    public let id: Int64
    public let templateID: Int64
    public let everyDays: Int
    public let samplePercent: Int
    public let openDays: Int
    /// The day the next wave opens.
    public let nextOn: String
    public let active: Bool
    public let waves: Int
    /// Why the last wave could not open, if it could not.
    public let note: String?
    public let updatedBy: String
    public let updatedAt: Date
}

/// What HR sets for a pulse, validated before it is stored.
public struct PulseSettings: Sendable, Equatable {
    public var everyDays: Int
    public var samplePercent: Int
    public var openDays: Int
    public var firstOn: String

    public init(everyDays: Int, samplePercent: Int, openDays: Int, firstOn: String) {
        self.everyDays = everyDays
        self.samplePercent = samplePercent
        self.openDays = openDays
        self.firstOn = firstOn
    }

    public func validated(today: String = EmployeeRules.today()) throws -> PulseSettings {
        guard (7...91).contains(everyDays) else { throw AppError.invalid("every_days", "A pulse repeats every 7 to 91 days.") }
        guard (5...100).contains(samplePercent) else { throw AppError.invalid("sample_percent", "Ask 5% to 100% of the audience in each wave.") }
        guard (1...everyDays).contains(openDays) else {
            throw AppError.invalid("open_days", "Each wave stays open 1 to \(everyDays) days, so it closes before the next one opens.")
        }
        var out = self
        guard let first = try EmployeeRules.date(firstOn, field: "first_on") else { throw AppError.invalid("first_on", "Give the day the first wave opens (YYYY-MM-DD).") }
        guard first >= today else { throw AppError.invalid("first_on", "The first wave opens today or later, not on \(first).") }
        out.firstOn = first
        return out
    }
}

/// Who a wave asks: `percent` of the audience, those asked longest ago in this series first (never
/// asked before comes first of all), so over the waves everyone takes turns. Ties are broken by a
/// mix of the person and the wave, so the same people are not always first.
public struct PulseSample: Sendable {
    public let seriesID: Int64
    public let wave: Int
    public let percent: Int

    public init(seriesID: Int64, wave: Int, percent: Int) {
        self.seriesID = seriesID
        self.wave = wave
        self.percent = percent
    }

    /// `minimum` keeps small audiences whole enough for results to show (twice the threshold).
    func choose(from people: [Int64], database: Database, minimum: Int) async throws -> [Int64] {
        let size = max(min(people.count, minimum), Int((Double(people.count) * Double(percent) / 100).rounded(.up)))
        guard size < people.count else { return people }
        var lastAsked: [Int64: Int64] = [:]
        for row in try await database.reader.raw("""
            SELECT i.employee_id, MAX(s.wave) AS w FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id
            WHERE s.series_id = \(bind: seriesID) AND s.wave < \(bind: Int64(wave)) GROUP BY i.employee_id
            """).all() {
            lastAsked[try row.decode(column: "employee_id", as: Int64.self)] = try row.decode(column: "w", as: Int64.self)
        }
        func mix(_ id: Int64) -> UInt64 { (UInt64(bitPattern: id) &+ UInt64(wave) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9 }
        return people.sorted { (lastAsked[$0] ?? 0, mix($0)) < (lastAsked[$1] ?? 0, mix($1)) }.prefix(size).sorted()
    }
}
