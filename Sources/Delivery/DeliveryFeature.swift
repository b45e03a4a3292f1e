public import Audiences
public import Content
public import Engagement
import Foundation
public import TandemCore
public import TandemStore
import TandemUI

/// Delivery: freezing each published post's audience into deliveries, the scheduler that
/// publishes posts at their time, and the status of each send. Sending through channel adapters
/// builds on these rows.
public struct DeliveryFeature: Sendable {
    public static let migrations = DeliveryMigrations.all
    public static let readers: Access = .roles([.hr, .comms, .marketing, .approver])

    public let scheduler: Scheduler
    public let store: DeliveryStore
    public let fanOut: FanOut
    public let worker: DeliveryWorker
    public let signer: LinkSigner
    public let flags: EmailFlagStore
    public let optOuts: OptOutStore
    /// The SMTP settings in use (shown to admins without the password).
    public let smtp: SMTPSettings?
    let database: Database
    /// Nil when no SMTP server is configured: email deliveries then wait.
    public let email: EmailAdapter?

    public let channels: ChannelSettingsStore
    public let sms: SMSAdapter
    public let destinations: DestinationStore
    public let destinationWorker: DestinationWorker
    public let preferences: PreferenceStore
    /// Nil without SMTP, like `email`.
    public let digests: DigestSender?

    public init(database: Database, posts: PostStore, counter: AudienceCounter, owner: String, baseURL: String, smtp: SMTPSettings?, secrets: SecretBox? = nil,
                trackedHosts: [String] = []) {
        fanOut = FanOut(database: database, counter: counter, owner: owner)
        scheduler = Scheduler(database: database, posts: posts, fanOut: fanOut)
        store = DeliveryStore(database: database)
        let signer = LinkSigner(database: database)
        self.signer = signer
        flags = EmailFlagStore(database: database)
        optOuts = OptOutStore(database: database)
        self.smtp = smtp
        self.database = database
        let tracking = EmailTracking(tokens: TrackingTokens(signer: signer), allowed: LinkAllowList(baseURL: baseURL, hosts: trackedHosts), baseURL: baseURL)
        let email = smtp.map { EmailAdapter(settings: $0, database: database, posts: posts, signer: signer, baseURL: baseURL, tracking: tracking) }
        self.email = email
        channels = ChannelSettingsStore(database: database, box: secrets)
        sms = SMSAdapter(database: database, posts: posts, settings: channels)
        destinations = DestinationStore(database: database, box: secrets)
        destinationWorker = DestinationWorker(database: database, store: destinations, posts: posts, owner: owner, baseURL: baseURL)
        var adapters: [any ChannelAdapter] = [FeedAdapter(), sms]
        if let email { adapters.append(email) }
        worker = DeliveryWorker(database: database, adapters: adapters, owner: owner)
        preferences = PreferenceStore(database: database)
        digests = email.map { DigestSender(adapter: $0, database: database, owner: owner) }
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Delivery", "/deliveries", Self.readers)])
        DeliveryRoutes(feature: self).register(in: table)
        UnsubscribeRoutes(feature: self).register(in: table)
        EmailRoutes(feature: self).register(in: table)
        ChannelRoutes(feature: self).register(in: table)
        DestinationRoutes(feature: self).register(in: table)
    }
}
