public import Delivery
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
    public let messages: SurveyMessageStore
    public let messenger: SurveyMessenger
    /// Posts to Slack and Teams (nil: chat posts wait).
    public let chat: SurveyChatPoster?
    public let chatPosts: SurveyChatStore
    public let links: SurveyLinks
    public let pulses: PulseStore
    public let lifecycle: LifecycleStore
    public let translations: SurveyTranslationStore
    public let named: NamedAnswerStore
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

    /// `email` and `sms` send invitations and reminders (nil: those messages wait until one is set up).
    /// `box` seals anonymous answers while they wait to be counted (nil: anonymous surveys
    /// cannot take answers).
    public init(database: Database, threshold: Int, commentThreshold: Int = 10, signer: LinkSigner, baseURL: String,
                email: EmailAdapter? = nil, sms: SMSAdapter? = nil, destinations: DestinationWorker? = nil, owner: String = "tandem", box: SecretBox? = nil) {
        surveys = SurveyStore(database: database, threshold: threshold, box: box)
        responses = ResponseStore(database: database, threshold: threshold, box: box)
        results = SurveyResultsStore(database: database, threshold: threshold, commentThreshold: commentThreshold)
        actions = SurveyActionStore(database: database)
        messages = SurveyMessageStore(database: database)
        links = SurveyLinks(signer: signer, baseURL: baseURL)
        pulses = PulseStore(database: database, surveys: surveys)
        lifecycle = LifecycleStore(database: database)
        translations = SurveyTranslationStore(database: database)
        named = NamedAnswerStore(database: database)
        messenger = SurveyMessenger(store: messages, surveys: surveys, links: links, translations: translations, email: email, sms: sms, owner: owner)
        let chatPosts = SurveyChatStore(database: database), surveys = surveys
        self.chatPosts = chatPosts
        chat = destinations.map { SurveyChatPoster(store: chatPosts, surveys: surveys, destinations: $0, baseURL: baseURL, owner: owner) }
        joint = JointStore(database: database, threshold: threshold)
        kpiMetrics = SurveyKPIMetrics(database: database)
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Surveys", "/surveys", Self.staff)])
        let api = SurveyRoutes(feature: self)
        api.register(in: table)
        SurveyPageRoutes(feature: self, api: api).register(in: table)
        SurveyActionRoutes(feature: self, api: api).register(in: table)
        SurveyLinkRoutes(feature: self, api: api).register(in: table)
        DistributionRoutes(feature: self, api: api).register(in: table)
        PulseRoutes(feature: self, api: api).register(in: table)
        TranslationRoutes(feature: self, api: api).register(in: table)
        NamedAnswerRoutes(feature: self, api: api).register(in: table)
    }
}
