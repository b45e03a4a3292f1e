public import Engagement
public import Foundation
public import TandemCore
public import TandemStore
import TandemUI

/// Shared numbers: post dashboards read from the rollups, and the routes engagement comes in by.
public struct AnalyticsFeature: Sendable {
    public static let migrations = AnalyticsMigrations.all

    public let engagement: EngagementFeature
    public let metrics: PostMetricsStore
    public let matrix: ChannelMatrixStore
    public let best: BestPostsStore
    public let kpis: KPIStore
    public let annotations: AnnotationStore
    public let personas: PersonaBreakdown
    public let links: LinkAllowList
    public let suppression: Suppression
    /// Per-person engagement (who was not reached) for admin and HR; off unless the
    /// organisation turns it on (`TANDEM_PERSON_ENGAGEMENT`).
    public let personEngagement: Bool

    /// Dashboards: everyone who plans or measures messages.
    static let readers: Access = .roles([.hr, .comms, .marketing, .analyst])
    /// Named people: admin and HR only, and only when per-person engagement is on.
    static let personReaders: Access = .roles([.hr])

    public init(database: Database, engagement: EngagementFeature, baseURL: String, trackedHosts: [String] = [], privacyThreshold: Int = Suppression.standard,
                personEngagement: Bool = false, kpiSources: [any KPIMetricSource] = []) {
        self.engagement = engagement
        metrics = PostMetricsStore(database: database)
        matrix = ChannelMatrixStore(database: database, metrics: metrics)
        best = BestPostsStore(database: database, metrics: metrics)
        kpis = KPIStore(database: database, metrics: metrics, sources: kpiSources)
        annotations = AnnotationStore(database: database)
        personas = PersonaBreakdown(database: database, threshold: privacyThreshold)
        links = LinkAllowList(baseURL: baseURL, hosts: trackedHosts)
        suppression = Suppression(threshold: privacyThreshold)
        self.personEngagement = personEngagement
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Analytics", "/analytics", Self.readers)])
        TrackingRoutes(feature: self).register(in: table)
        PostDashboardRoutes(feature: self).register(in: table)
        ChannelRoutes(feature: self).register(in: table)
        KPIRoutes(feature: self).register(in: table)
    }
}
