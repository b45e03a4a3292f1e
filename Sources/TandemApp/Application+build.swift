public import Accounts
public import Analytics
import Engagement
public import Audiences
public import Content
public import Delivery
public import Feed
public import Audit
public import Foundation
public import Hummingbird
public import Listening
public import Logging
public import People
public import SCIM
public import TandemCore
public import TandemStore

public enum Tandem {
    public static let version = "0.1.0"
}

/// Everything the HTTP layer needs, opened once at start-up.
public struct TandemServices: Sendable {
    public let configuration: TandemConfiguration
    public let database: Database
    public let accounts: AccountsFeature
    public let audit: AuditFeature
    public let people: PeopleFeature
    public let audiences: AudiencesFeature
    public let personalData: PersonalDataService
    public let scim: SCIMFeature
    public let content: ContentFeature
    public let delivery: DeliveryFeature
    public let feed: FeedFeature
    public let analytics: AnalyticsFeature
    public let listening: ListeningFeature

    public init(configuration: TandemConfiguration, database: Database) {
        self.configuration = configuration
        self.database = database
        self.accounts = AccountsFeature(
            database: database, bcryptCost: UInt8(configuration.bcryptCost), sessionLifetime: .seconds(configuration.sessionHours * 3600))
        self.audit = AuditFeature(store: AuditStore(database: database))
        let scimLinks = SCIMStore(database: database)
        self.people = PeopleFeature(
            database: database, managedElsewhere: { try await scimLinks.linkedEmployeeIDs() },
            attributeUsers: { name in try await Self.attributeUsers(name, database: database) })
        self.audiences = AudiencesFeature(database: database, privacyThreshold: configuration.privacyMinimumGroup,
                                          usedElsewhere: { id, db in try await PostStore.titles(targeting: id, on: db) })
        self.personalData = PersonalDataService(
            database: database, employees: people.employees,
            holders: [SCIMPersonalData(database: database), AudiencePersonalData(database: database), EmployeePersonalData(store: people.employees)])
        self.scim = SCIMFeature(database: database, baseURL: configuration.baseURL, cache: accounts.cache)
        self.content = ContentFeature(
            database: database, blobs: DiskBlobStore(root: URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("blobs", isDirectory: true)),
            baseURL: configuration.baseURL, privacyThreshold: configuration.privacyMinimumGroup,
            translator: configuration.translateURL.map { LibreTranslateProvider(url: $0, apiKey: configuration.translateKey) },
            render: { MarkdownRenderer.render($0).html })
        let secrets = try? configuration.secretBox()
        self.delivery = DeliveryFeature(database: database, posts: content.posts, counter: AudienceCounter(database: database), owner: configuration.nodeName,
                                         baseURL: configuration.baseURL, smtp: configuration.smtp, secrets: secrets,
                                         trackedHosts: configuration.trackedLinkHosts)
        let listening = ListeningFeature(database: database, threshold: configuration.privacyMinimumGroup,
                                         commentThreshold: configuration.privacyMinimumComments, signer: delivery.signer, baseURL: configuration.baseURL,
                                         email: delivery.email, sms: delivery.sms, destinations: delivery.destinationWorker,
                                         owner: configuration.nodeName, box: secrets)
        self.listening = listening
        self.feed = FeedFeature(database: database, posts: content.posts, delivery: delivery, identities: accounts.cache, baseURL: configuration.baseURL,
                                hasher: accounts.hasher, pageCache: configuration.feedCache, prompts: { employee in
                                    var prompts: [FeedPrompt] = []
                                    let waiting = try await listening.surveys.waiting(for: employee)
                                    let wordings = try await listening.translations.wordings(waiting, employee: employee)
                                    for survey in waiting {
                                        let wording = wordings[survey.id] ?? SurveyWording(survey, nil)
                                        prompts.append(FeedPrompt(title: wording.title, detail: survey.mode.promise + (survey.closesOn.map { " Open until \($0)." } ?? ""),
                                                   href: "/surveys/\(survey.id)/answer", action: "Answer the survey"))
                                    }
                                    return prompts
                                })
        self.analytics = AnalyticsFeature(database: database, engagement: feed.engagement, baseURL: configuration.baseURL,
                                          trackedHosts: configuration.trackedLinkHosts, privacyThreshold: configuration.privacyMinimumGroup,
                                          personEngagement: configuration.personEngagement, kpiSources: [listening.kpiMetrics])
    }

    /// What still uses a custom attribute (People cannot see Audiences, so it asks through this).
    public static func attributeUsers(_ name: String, database: Database) async throws -> [String] {
        try await AudienceStore(database: database).users(ofAttribute: name)
    }
}

/// Builds the router with all middleware and every feature's routes. Shared by `serve` and tests.
public func buildRouter(_ services: TandemServices) -> (Router<TandemContext>, RouteTable) {
    let configuration = services.configuration
    let router = Router(context: TandemContext.self)
    router.add(middleware: SecurityHeadersMiddleware(https: configuration.servesHTTPS))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    let routes = RouteIndex()
    router.add(middleware: ErrorMiddleware(routes: routes))
    router.add(middleware: RequestSettingsMiddleware(
        bodyLimit: configuration.maxBodyMegabytes * 1_048_576, secureCookies: configuration.servesHTTPS, trustProxy: configuration.trustProxy))
    router.add(middleware: services.accounts.authenticator(resolvers: [services.scim.tokens], cookieResolvers: [services.feed.sessions],
                                                                   linker: StaffEmployeeLink(database: services.database)))
    router.add(middleware: CSRFMiddleware())
    router.add(middleware: PasswordChangeGate())

    let table = RouteTable(router: router)
    HomeRoutes().register(in: table)
    services.people.register(in: table)
    services.audiences.register(in: table)
    services.content.register(in: table)
    services.delivery.register(in: table)
    services.feed.register(in: table)
    services.analytics.register(in: table)
    services.listening.register(in: table)
    JointRoutes(listening: services.listening, analytics: services.analytics).register(in: table)
    PrivacyRoutes(service: services.personalData, employees: services.people.employees).register(in: table)
    services.accounts.register(in: table)
    services.audit.register(in: table)
    services.scim.register(in: table)
    let document = OpenAPIBox()
    OpsRoutes(database: services.database, migrator: Migrations.all, benchRoutes: configuration.benchRoutes)
        .register(in: table) { document.text }
    document.text = OpenAPIDocument.build(from: table, version: Tandem.version).serialized()
    routes.load(table.specs)
    return (router, table)
}

/// Which methods each declared path accepts, to answer 405 with `Allow` instead of 404.
final class RouteIndex: @unchecked Sendable {
    // Safe: filled once by buildRouter before the first request, read-only afterwards.
    private var patterns: [(components: [Substring], method: HTTPRequest.Method)] = []

    func load(_ specs: [RouteSpec]) {
        patterns = specs.map { ($0.path.split(separator: "/"), $0.method) }
    }

    func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        let matching = patterns.filter { pattern in
            pattern.components.count == parts.count
                && zip(pattern.components, parts).allSatisfy { $0.0.hasPrefix("{") || $0.0 == $0.1 }
        }
        // The router prefers literal segments to parameters (`/audiences/count` is not
        // `/audiences/{id}`), so only the most literal patterns answer for a path.
        let literal = { (pattern: (components: [Substring], method: HTTPRequest.Method)) in pattern.components.filter { !$0.hasPrefix("{") }.count }
        let best = matching.map(literal).max() ?? 0
        return matching.filter { literal($0) == best }.map(\.method)
    }
}

/// Holds the rendered document; written once while building, read-only afterwards.
final class OpenAPIBox: @unchecked Sendable {
    // Safe: assigned before the router serves its first request and never mutated after.
    var text = ""
}

/// `background` adds the delivery loop (serve runs it; tests drive the scheduler themselves).
public func buildApplication(_ services: TandemServices, logger: Logger, background: Bool = false) -> some ApplicationProtocol {
    _ = TandemMetrics.registry
    let (router, _) = buildRouter(services)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(services.configuration.host, port: services.configuration.port), serverName: "Tandem"),
        logger: logger)
    if background {
        app.addServices(FeedChangePoller(database: services.database, logger: logger))
        app.addServices(RollupWorker(feature: services.analytics.engagement, logger: logger))
        app.addServices(RecipientCountWorker(metrics: services.analytics.metrics, logger: logger))
        app.addServices(EventPruner(feature: services.analytics.engagement, days: services.configuration.eventRetentionDays, logger: logger))
        app.addServices(DeliveryLoop(scheduler: services.delivery.scheduler, worker: services.delivery.worker, destinations: services.delivery.destinationWorker,
                                     digests: services.delivery.digests, interval: .seconds(services.configuration.schedulerSeconds), logger: logger))
        app.addServices(SurveyMessageLoop(feature: services.listening, interval: .seconds(services.configuration.schedulerSeconds), logger: logger))
    }
    return app
}

/// Opens the database, refuses one newer than this binary, and applies pending migrations.
public func openDatabase(_ configuration: TandemConfiguration, logger: Logger, migrate: Bool = true) async throws -> Database {
    let database = try await Database.open(configuration.databaseLocation, logger: logger)
    do {
        if migrate {
            try await Migrations.all.migrate(database) { migration in
                logger.info("applied migration \(migration.version): \(migration.name)")
            }
        } else {
            _ = try await Migrations.all.pendingCount(database)
        }
    } catch {
        await database.close()
        throw error
    }
    return database
}
