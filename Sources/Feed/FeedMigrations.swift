import TandemCore
import TandemStore

/// The employee experience takes migrations 80–89.
public enum FeedMigrations {
    public static let all: [Migration] = [
        // Employees sign in without a staff account: a magic link (only its SHA-256 is kept,
        // single use, short-lived) starts an employee session. `sign_in_link_requests` counts
        // requests per hashed identifier and per hashed client address for the rate limit, so
        // the table holds no addresses. Acknowledgements and reactions are one row per person and
        // post; reaction counts are kept beside them so a feed page reads 20 rows, not every
        // reaction. `deliveries_feed` serves "my feed, newest first".
        Migration(80, "employee sessions, magic links, acknowledgements, reactions") { d in
            [
                """
                CREATE TABLE employee_sessions (
                    id \(d.text) PRIMARY KEY,
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    csrf_token \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    expires_at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX employee_sessions_employee ON employee_sessions (employee_id)",
                """
                CREATE TABLE magic_links (
                    id \(d.text) PRIMARY KEY,
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    channel \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    expires_at \(d.bigint) NOT NULL,
                    used_at \(d.bigint))
                """,
                "CREATE INDEX magic_links_employee ON magic_links (employee_id, created_at)",
                "CREATE TABLE sign_in_link_requests (subject \(d.text) NOT NULL, at \(d.bigint) NOT NULL)",
                "CREATE INDEX sign_in_link_requests_subject ON sign_in_link_requests (subject, at)",
                "CREATE INDEX employees_work_email_lower ON employees (LOWER(work_email))",
                "CREATE INDEX employees_mobile_phone ON employees (mobile_phone)",
                """
                CREATE TABLE post_acks (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    acked_at \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, employee_id))
                """,
                """
                CREATE TABLE post_reactions (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    kind \(d.text) NOT NULL,
                    reacted_at \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, employee_id))
                """,
                """
                CREATE TABLE post_reaction_counts (
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    kind \(d.text) NOT NULL,
                    n \(d.bigint) NOT NULL,
                    PRIMARY KEY (post_id, kind))
                """,
                "CREATE INDEX deliveries_feed ON deliveries (employee_id, id) WHERE channel = 'feed' AND state = 'sent'",
            ]
        },
        // Employees' comments on feed posts: held until HR or IC approve them (pending →
        // approved | rejected), the Markdown kept and its sanitised HTML stored.
        Migration(81, "moderated comments on feed posts") { d in
            [
                """
                CREATE TABLE feed_comments (
                    id \(d.idColumn),
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    body \(d.text) NOT NULL,
                    body_html \(d.text) NOT NULL,
                    state \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    moderated_at \(d.bigint),
                    moderated_by \(d.text),
                    reason \(d.text))
                """,
                "CREATE INDEX feed_comments_post ON feed_comments (post_id, state, id)",
                "CREATE INDEX feed_comments_state ON feed_comments (state, id)",
                "CREATE INDEX feed_comments_employee ON feed_comments (employee_id, created_at)",
            ]
        },
        // "N posts wait for your acknowledgement" counted from a partial index of the few feed
        // rows still waiting, not by walking everything a person ever received. Fan-out sets the
        // flag (column added by migration 76) on feed rows of posts that ask for
        // acknowledgement; acknowledging clears it. Rows written before are flagged here.
        Migration(82, "feed rows waiting for acknowledgement") { _ in
            [
                """
                UPDATE deliveries SET waiting_ack = TRUE
                WHERE channel = 'feed' AND post_id IN (SELECT id FROM posts WHERE requires_ack = TRUE)
                  AND NOT EXISTS (SELECT 1 FROM post_acks a WHERE a.post_id = deliveries.post_id AND a.employee_id = deliveries.employee_id)
                """,
                "CREATE INDEX deliveries_waiting_ack ON deliveries (employee_id) WHERE waiting_ack",
            ]
        },
        // Screens in factories and stores: a secret address per screen (only its hash here).
        Migration(83, "signage screens") { d in
            [
                """
                CREATE TABLE signage_screens (
                    id \(d.idColumn),
                    name \(d.text) NOT NULL,
                    site \(d.text) NOT NULL,
                    token_hash \(d.text) NOT NULL UNIQUE,
                    created_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    last_seen_at \(d.bigint))
                """,
            ]
        },
        // An employee's own password (bcrypt), for signing in without a link each time.
        Migration(84, "employee passwords") { d in
            [
                """
                CREATE TABLE employee_passwords (
                    employee_id \(d.bigint) PRIMARY KEY REFERENCES employees (id) ON DELETE CASCADE,
                    hash \(d.text) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
            ]
        },
    ]
}
