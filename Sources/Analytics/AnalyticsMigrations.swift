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
    ]
}
