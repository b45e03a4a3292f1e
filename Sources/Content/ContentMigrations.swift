import TandemStore

/// Content takes migrations 60–69.
public enum ContentMigrations {
    public static let all: [Migration] = [
        Migration(60, "topics and their approval boards") { d in
            [
                """
                CREATE TABLE topics (
                    id \(d.idColumn),
                    name \(d.text) NOT NULL,
                    name_key \(d.text) NOT NULL UNIQUE,
                    description \(d.text) NOT NULL,
                    owner_team_id \(d.bigint) REFERENCES teams (id),
                    updated_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                // One row per stage (0 = first); a topic has one or two.
                """
                CREATE TABLE topic_stages (
                    topic_id \(d.bigint) NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
                    stage \(d.bigint) NOT NULL,
                    rule \(d.text) NOT NULL,
                    PRIMARY KEY (topic_id, stage))
                """,
                """
                CREATE TABLE topic_approvers (
                    topic_id \(d.bigint) NOT NULL,
                    stage \(d.bigint) NOT NULL,
                    user_id \(d.bigint) NOT NULL REFERENCES users (id),
                    PRIMARY KEY (topic_id, stage, user_id),
                    FOREIGN KEY (topic_id, stage) REFERENCES topic_stages (topic_id, stage) ON DELETE CASCADE)
                """,
                "CREATE INDEX topic_approvers_user ON topic_approvers (user_id)",
            ]
        },
        // A post is its settings (this table) plus one variant per language, optional channel
        // texts per variant, topics, tags and audiences. `version` counts saves: it is the
        // optimistic lock and names the snapshot kept in post_versions.
        Migration(61, "posts: variants, channel texts, topics, tags, audiences, versions, approvals, events") { d in
            [
                """
                CREATE TABLE posts (
                    id \(d.idColumn),
                    state \(d.text) NOT NULL,
                    author_id \(d.bigint) NOT NULL REFERENCES users (id),
                    priority \(d.text) NOT NULL,
                    mandatory \(d.boolean) NOT NULL,
                    requires_ack \(d.boolean) NOT NULL,
                    fallback_language \(d.text) NOT NULL,
                    cta_label \(d.text),
                    cta_url \(d.text),
                    campaign_id \(d.bigint),
                    publish_at \(d.bigint),
                    schedule_zone \(d.text) NOT NULL,
                    expires_at \(d.bigint),
                    stage \(d.bigint) NOT NULL,
                    version \(d.bigint) NOT NULL,
                    updated_by_id \(d.bigint),
                    updated_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX posts_state_publish ON posts (state, publish_at)",
                "CREATE INDEX posts_publish_at ON posts (publish_at)",
                """
                CREATE TABLE post_variants (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    language \(d.text) NOT NULL,
                    title \(d.text) NOT NULL,
                    summary \(d.text) NOT NULL,
                    body \(d.text) NOT NULL,
                    body_html \(d.text) NOT NULL,
                    status \(d.text) NOT NULL,
                    translator_id \(d.bigint) REFERENCES users (id),
                    PRIMARY KEY (post_id, language))
                """,
                """
                CREATE TABLE post_channel_texts (
                    post_id \(d.bigint) NOT NULL,
                    language \(d.text) NOT NULL,
                    channel \(d.text) NOT NULL,
                    text \(d.text) NOT NULL,
                    PRIMARY KEY (post_id, language, channel),
                    FOREIGN KEY (post_id, language) REFERENCES post_variants (post_id, language) ON DELETE CASCADE)
                """,
                """
                CREATE TABLE post_topics (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    topic_id \(d.bigint) NOT NULL REFERENCES topics (id),
                    PRIMARY KEY (post_id, topic_id))
                """,
                "CREATE INDEX post_topics_topic ON post_topics (topic_id)",
                """
                CREATE TABLE post_tags (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    tag \(d.text) NOT NULL,
                    PRIMARY KEY (post_id, tag))
                """,
                """
                CREATE TABLE post_audiences (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    audience_id \(d.bigint) NOT NULL REFERENCES audiences (id),
                    mode \(d.text) NOT NULL,
                    PRIMARY KEY (post_id, audience_id))
                """,
                """
                CREATE TABLE post_versions (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    version \(d.bigint) NOT NULL,
                    snapshot \(d.text) NOT NULL,
                    saved_by \(d.text) NOT NULL,
                    saved_at \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, version))
                """,
                """
                CREATE TABLE post_approvals (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    version \(d.bigint) NOT NULL,
                    stage \(d.bigint) NOT NULL,
                    user_id \(d.bigint) NOT NULL REFERENCES users (id),
                    at \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, version, stage, user_id))
                """,
                """
                CREATE TABLE post_events (
                    id \(d.idColumn),
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    version \(d.bigint) NOT NULL,
                    at \(d.bigint) NOT NULL,
                    actor \(d.text) NOT NULL,
                    action \(d.text) NOT NULL,
                    from_state \(d.text) NOT NULL,
                    to_state \(d.text) NOT NULL,
                    note \(d.text) NOT NULL)
                """,
                "CREATE INDEX post_events_post ON post_events (post_id, id)",
            ]
        },
        // Posts already carry `campaign_id` (migration 61); the store checks it names a campaign.
        Migration(62, "campaigns") { d in
            [
                """
                CREATE TABLE campaigns (
                    id \(d.idColumn),
                    name \(d.text) NOT NULL,
                    name_key \(d.text) NOT NULL UNIQUE,
                    goal \(d.text) NOT NULL,
                    owner_teams \(d.text) NOT NULL,
                    starts_on \(d.text) NOT NULL,
                    ends_on \(d.text) NOT NULL,
                    external_name \(d.text),
                    external_url \(d.text),
                    outcome_metric \(d.text) NOT NULL,
                    updated_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX posts_campaign ON posts (campaign_id)",
            ]
        },
        // The channels a post goes out on. Posts drafted before this read as feed and email.
        Migration(63, "post channels") { d in
            [
                """
                CREATE TABLE post_channels (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    channel \(d.text) NOT NULL,
                    PRIMARY KEY (post_id, channel))
                """,
                "INSERT INTO post_channels (post_id, channel) SELECT id, 'feed' FROM posts",
                "INSERT INTO post_channels (post_id, channel) SELECT id, 'email' FROM posts",
            ]
        },
        // Secret iCalendar addresses; only the token's SHA-256 is kept.
        Migration(64, "calendar feeds") { d in
            [
                """
                CREATE TABLE calendar_feeds (
                    id \(d.idColumn),
                    user_id \(d.bigint) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    name \(d.text) NOT NULL,
                    token_hash \(d.text) NOT NULL UNIQUE,
                    prefix \(d.text) NOT NULL,
                    team_id \(d.bigint) REFERENCES teams (id) ON DELETE CASCADE,
                    topic_id \(d.bigint) REFERENCES topics (id) ON DELETE CASCADE,
                    campaign_id \(d.bigint) REFERENCES campaigns (id) ON DELETE CASCADE,
                    channel \(d.text),
                    created_at \(d.bigint) NOT NULL,
                    last_used_at \(d.bigint))
                """,
                "CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id)",
            ]
        },
        // Files of a post: bytes in the blob store (by SHA-256), facts here. One cover per post.
        Migration(65, "post attachments") { d in
            [
                """
                CREATE TABLE post_attachments (
                    id \(d.idColumn),
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    role \(d.text) NOT NULL,
                    blob \(d.text) NOT NULL,
                    kind \(d.text) NOT NULL,
                    file_name \(d.text) NOT NULL,
                    byte_count \(d.bigint) NOT NULL,
                    alt_text \(d.text) NOT NULL,
                    uploaded_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX post_attachments_post ON post_attachments (post_id, id)",
                "CREATE INDEX post_attachments_blob ON post_attachments (blob)",
                "CREATE UNIQUE INDEX post_attachments_cover ON post_attachments (post_id) WHERE role = 'cover'",
            ]
        },
        // Comments on drafts, threaded one level (a reply names its thread's first comment), and
        // the people each comment mentions, with when they read it (their inbox).
        Migration(66, "post comments and mentions") { d in
            [
                """
                CREATE TABLE post_comments (
                    id \(d.idColumn),
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    thread_id \(d.bigint) REFERENCES post_comments (id) ON DELETE CASCADE,
                    author_id \(d.bigint) NOT NULL REFERENCES users (id),
                    author_name \(d.text) NOT NULL,
                    post_version \(d.bigint) NOT NULL,
                    body \(d.text) NOT NULL,
                    body_html \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    deleted_at \(d.bigint),
                    resolved_at \(d.bigint),
                    resolved_by \(d.text))
                """,
                "CREATE INDEX post_comments_post ON post_comments (post_id, id)",
                """
                CREATE TABLE post_mentions (
                    comment_id \(d.bigint) NOT NULL REFERENCES post_comments (id) ON DELETE CASCADE,
                    user_id \(d.bigint) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    created_at \(d.bigint) NOT NULL,
                    read_at \(d.bigint),
                    PRIMARY KEY (comment_id, user_id))
                """,
                "CREATE INDEX post_mentions_user ON post_mentions (user_id, read_at)",
            ]
        },
        // The last version of each post each person opened, so reviewers see what changed since.
        Migration(67, "post views") { d in
            [
                """
                CREATE TABLE post_views (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    user_id \(d.bigint) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    version \(d.bigint) NOT NULL,
                    seen_at \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, user_id))
                """,
            ]
        },
        // Whose feed a write changed (NULL: everyone's), for the feed caches of every process
        // and server (FeedSignal). Kept for an hour; a poller reads the last few seconds.
        Migration(68, "feed changes") { d in
            [
                """
                CREATE TABLE feed_changes (
                    id \(d.idColumn),
                    employee_id \(d.bigint),
                    origin \(d.text) NOT NULL,
                    at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX feed_changes_at ON feed_changes (at)",
            ]
        },
    ]
}
