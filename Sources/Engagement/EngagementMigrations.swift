import TandemCore
import TandemStore

/// Engagement takes migrations 90–99.
public enum EngagementMigrations {
    public static let all: [Migration] = [
        // Raw events are append-only and may be pruned by age (once rolled up); the rollups and
        // the per-person bits are what dashboards read, and pruning leaves them alone. `dedupe` is unique, so a
        // retried beacon is stored once. Each event points at the breakdown attributes its person
        // had when it happened (`engagement_segments`, a few hundred rows), not at five strings.
        Migration(90, "engagement events, people and rollups") { d in
            [
                """
                CREATE TABLE engagement_segments (
                    id \(d.idColumn),
                    country \(d.text) NOT NULL,
                    department \(d.text) NOT NULL,
                    site \(d.text) NOT NULL,
                    worker_type \(d.text) NOT NULL,
                    language \(d.text) NOT NULL,
                    UNIQUE (country, department, site, worker_type, language))
                """,
                """
                CREATE TABLE engagement_events (
                    id \(d.idColumn),
                    post_id \(d.bigint) NOT NULL,
                    employee_id \(d.bigint) NOT NULL,
                    channel \(d.text) NOT NULL,
                    kind \(d.text) NOT NULL,
                    occurred_at \(d.bigint) NOT NULL,
                    segment_id \(d.bigint) NOT NULL,
                    dwell_ms \(d.bigint),
                    dedupe \(d.text) NOT NULL UNIQUE)
                """,
                "CREATE INDEX engagement_events_occurred ON engagement_events (occurred_at)",
                // What each person has done with each post, one bit per (kind, channel):
                // `PeopleMask`. The rollup builder counts a person once per bit, so unique
                // counts add up across days; one row per person and post keeps it small.
                """
                CREATE TABLE engagement_people (
                    post_id \(d.bigint) NOT NULL,
                    employee_id \(d.bigint) NOT NULL,
                    lo \(d.bigint) NOT NULL,
                    hi \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, employee_id))
                """,
                // How far the rollups have read engagement_events (by id).
                "CREATE TABLE engagement_progress (name \(d.text) PRIMARY KEY, last_event_id \(d.bigint) NOT NULL)",
                "INSERT INTO engagement_progress (name, last_event_id) VALUES ('rollups', 0)",
                """
                CREATE TABLE engagement_rollups (
                    post_id \(d.bigint) NOT NULL,
                    dimension \(d.text) NOT NULL,
                    value \(d.text) NOT NULL,
                    channel \(d.text) NOT NULL,
                    kind \(d.text) NOT NULL,
                    day \(d.bigint) NOT NULL,
                    events \(d.bigint) NOT NULL,
                    people \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, dimension, value, channel, kind, day))
                """,
                """
                CREATE TABLE engagement_hourly (
                    post_id \(d.bigint) NOT NULL,
                    channel \(d.text) NOT NULL,
                    kind \(d.text) NOT NULL,
                    hour \(d.bigint) NOT NULL,
                    events \(d.bigint) NOT NULL,
                    people \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, channel, kind, hour))
                """,
                // Beacons and links refused (bad signature, expired, unknown kind), counted per day
                // and reason so forgery attempts show without storing what was sent.
                """
                CREATE TABLE engagement_rejects (
                    day \(d.bigint) NOT NULL,
                    reason \(d.text) NOT NULL,
                    count \(d.bigint) NOT NULL,
                    PRIMARY KEY (day, reason))
                """,
            ]
        },
        // Campaigns count each person once across their posts, so they keep bits and rollups of
        // their own, written by the same rollup transaction as the posts'. A post's events count
        // towards the campaign it belongs to when they are rolled up.
        Migration(92, "campaign people and rollups") { d in
            [
                """
                CREATE TABLE campaign_people (
                    campaign_id \(d.bigint) NOT NULL,
                    employee_id \(d.bigint) NOT NULL,
                    lo \(d.bigint) NOT NULL,
                    hi \(d.bigint) NOT NULL,
                    PRIMARY KEY (campaign_id, employee_id))
                """,
                """
                CREATE TABLE campaign_rollups (
                    campaign_id \(d.bigint) NOT NULL,
                    dimension \(d.text) NOT NULL,
                    value \(d.text) NOT NULL,
                    channel \(d.text) NOT NULL,
                    kind \(d.text) NOT NULL,
                    day \(d.bigint) NOT NULL,
                    events \(d.bigint) NOT NULL,
                    people \(d.bigint) NOT NULL,
                    PRIMARY KEY (campaign_id, dimension, value, channel, kind, day))
                """,
                """
                CREATE TABLE campaign_hourly (
                    campaign_id \(d.bigint) NOT NULL,
                    channel \(d.text) NOT NULL,
                    kind \(d.text) NOT NULL,
                    hour \(d.bigint) NOT NULL,
                    events \(d.bigint) NOT NULL,
                    people \(d.bigint) NOT NULL,
                    PRIMARY KEY (campaign_id, channel, kind, hour))
                """,
            ]
        },
    ]
}
