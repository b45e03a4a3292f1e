import Accounts
import Analytics
import Audiences
import Audit
import Content
import Delivery
import Engagement
import Feed
import Listening
import People
import SCIM
import TandemStore

/// Every feature's migrations, in the one order they are applied. Versions are unique across
/// features: accounts use 10–19, audit 20–29, people 30–39, audiences 40–49, SCIM 50–59, content 60–69, delivery 70–79, feed 80–89, engagement and analytics 90–99 (engagement 90 and 92, analytics 91 and 93 on), listening 100–109; later
/// features take the next free decade.
public enum Migrations {
    public static let all = Migrator(
        AccountsFeature.migrations + AuditFeature.migrations + PeopleFeature.migrations + AudiencesFeature.migrations + SCIMFeature.migrations + ContentMigrations.all
            + DeliveryFeature.migrations + FeedFeature.migrations
            // Engagement and Analytics share the 90s, interleaved.
            + (EngagementFeature.migrations + AnalyticsFeature.migrations).sorted { $0.version < $1.version }
            + ListeningFeature.migrations)
}
