import TandemCore
import TandemStore

/// Analytics shares the 90s with Engagement (90 is Engagement's).
public enum AnalyticsMigrations {
    public static let all: [Migration] = [
        // Recipients per post, channel and breakdown value, counted from the frozen audience once
        // (a GROUP BY over 100,000 deliveries is too slow for every dashboard view) and counted
        // again only when the post's number of deliveries changes.
        Migration(91, "recipient counts per post and segment") { d in
            [
                """
                CREATE TABLE engagement_recipients (
                    post_id \(d.bigint) NOT NULL,
                    dimension \(d.text) NOT NULL,
                    value \(d.text) NOT NULL,
                    channel \(d.text) NOT NULL,
                    people \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, dimension, value, channel))
                """,
                """
                CREATE TABLE engagement_recipient_totals (
                    post_id \(d.bigint) PRIMARY KEY,
                    deliveries \(d.bigint) NOT NULL,
                    counted_at \(d.bigint) NOT NULL)
                """,
            ]
        },
        // The same for campaigns: each person once across the campaign's posts.
        Migration(93, "recipient counts per campaign and segment") { d in
            [
                """
                CREATE TABLE campaign_recipients (
                    campaign_id \(d.bigint) NOT NULL,
                    dimension \(d.text) NOT NULL,
                    value \(d.text) NOT NULL,
                    channel \(d.text) NOT NULL,
                    people \(d.bigint) NOT NULL,
                    PRIMARY KEY (campaign_id, dimension, value, channel))
                """,
                """
                CREATE TABLE campaign_recipient_totals (
                    campaign_id \(d.bigint) PRIMARY KEY,
                    deliveries \(d.bigint) NOT NULL,
                    counted_at \(d.bigint) NOT NULL)
                """,
            ]
        },
        // KPIs: a formula over the rollups, evaluated when read (rollups are small), so a
        // changed formula applies to past periods too. Annotations pin a note to a day.
        Migration(94, "KPIs and annotations") { d in
            [
                """
                CREATE TABLE kpis (
                    id \(d.idColumn),
                    name \(d.text) NOT NULL,
                    name_key \(d.text) NOT NULL UNIQUE,
                    description \(d.text) NOT NULL,
                    formula \(d.text) NOT NULL,
                    owner_team \(d.text) NOT NULL,
                    target \(d.double) NOT NULL,
                    direction \(d.text) NOT NULL,
                    period \(d.text) NOT NULL,
                    unit \(d.text) NOT NULL,
                    version \(d.bigint) NOT NULL,
                    updated_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                """
                CREATE TABLE analytics_annotations (
                    id \(d.idColumn),
                    day \(d.text) NOT NULL,
                    note \(d.text) NOT NULL,
                    teams \(d.text) NOT NULL,
                    created_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX analytics_annotations_day ON analytics_annotations (day)",
            ]
        },
    ]
}
