public import TandemCore
public import TandemStore
import People
import TandemUI

/// Listening: surveys and pulses, answered by employees, read by HR and IC together.
public struct ListeningFeature: Sendable {
    public static let migrations = ListeningMigrations.all

    public let surveys: SurveyStore
    public let responses: ResponseStore
    public let results: SurveyResultsStore
    public let actions: SurveyActionStore
    public let joint: JointStore
    /// Survey figures for KPI formulas (`survey_enps{survey="3"}`), passed to Analytics.
    public let kpiMetrics: SurveyKPIMetrics

    /// Survey authors: HR, and IC, whose surveys HR opens (opening is HR's approval).
    static let authors: Access = .roles([.hr, .comms])
    static let openers: Access = .roles([.hr])
    /// Results: those who plan and measure with HR.
    static let readers: Access = .roles([.hr, .comms, .analyst])
    /// The survey pages and definitions.
    static let staff: Access = .roles([.hr, .comms, .analyst])

    static func today() -> String { EmployeeRules.today() }

    public init(database: Database, threshold: Int, commentThreshold: Int = 10) {
        surveys = SurveyStore(database: database, threshold: threshold)
        responses = ResponseStore(database: database)
        results = SurveyResultsStore(database: database, threshold: threshold, commentThreshold: commentThreshold)
        actions = SurveyActionStore(database: database)
        joint = JointStore(database: database, threshold: threshold)
        kpiMetrics = SurveyKPIMetrics(database: database)
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Surveys", "/surveys", Self.staff)])
        let api = SurveyRoutes(feature: self)
        api.register(in: table)
        SurveyPageRoutes(feature: self, api: api).register(in: table)
        SurveyActionRoutes(feature: self, api: api).register(in: table)
    }
}
