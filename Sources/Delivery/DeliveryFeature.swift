public import Audiences
public import Content
public import Foundation
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

    public init(database: Database, posts: PostStore, counter: AudienceCounter, owner: String) {
        fanOut = FanOut(database: database, counter: counter, owner: owner)
        scheduler = Scheduler(database: database, posts: posts, fanOut: fanOut)
        store = DeliveryStore(database: database)
        // Email, chat and SMS adapters join as they are built; until then those rows wait.
        worker = DeliveryWorker(database: database, adapters: [FeedAdapter()], owner: owner)
    }

    public func register(in table: RouteTable) {
        Layout.register([NavItem("Delivery", "/deliveries", Self.readers)])
        DeliveryRoutes(feature: self).register(in: table)
    }
}
