import TandemCore
import TandemStore

/// Delivery takes migrations 70–79.
public enum DeliveryMigrations {
    public static let all: [Migration] = [
        // `post_sends` is the frozen audience of a published post: the rule it was resolved
        // with, how far the walk through the audience got (so a crash resumes there), its counts,
        // and a lease so only one process walks it. `deliveries` holds one row per (post,
        // employee, channel); the UNIQUE key is what makes a repeated walk harmless.
        Migration(70, "post sends and deliveries") { d in
            [
                """
                CREATE TABLE post_sends (
                    post_id \(d.bigint) PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
                    version \(d.bigint) NOT NULL,
                    rule \(d.text) NOT NULL,
                    channels \(d.text) NOT NULL,
                    state \(d.text) NOT NULL,
                    people \(d.bigint) NOT NULL DEFAULT 0,
                    deliveries \(d.bigint) NOT NULL DEFAULT 0,
                    unreachable \(d.bigint) NOT NULL DEFAULT 0,
                    cursor_id \(d.bigint) NOT NULL DEFAULT 0,
                    lease_owner \(d.text),
                    lease_until \(d.bigint),
                    started_at \(d.bigint) NOT NULL,
                    resolved_at \(d.bigint))
                """,
                // Posts published before delivery existed are not sent now.
                """
                INSERT INTO post_sends (post_id, version, rule, channels, state, started_at)
                SELECT id, version, '', '', 'skipped', updated_at FROM posts WHERE state IN ('published', 'archived', 'withdrawn')
                """,
                """
                CREATE TABLE deliveries (
                    id \(d.idColumn),
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    channel \(d.text) NOT NULL,
                    state \(d.text) NOT NULL,
                    due_at \(d.bigint) NOT NULL,
                    attempts \(d.bigint) NOT NULL DEFAULT 0,
                    lease_until \(d.bigint),
                    last_error \(d.text),
                    sent_at \(d.bigint),
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL,
                    UNIQUE (post_id, employee_id, channel))
                """,
                "CREATE INDEX deliveries_due ON deliveries (state, due_at)",
                "CREATE INDEX deliveries_employee ON deliveries (employee_id)",
            ]
        },
        // Which server holds a `sending` row: a server starting again under the same name knows
        // those sends were interrupted and retries them at once instead of waiting for the lease.
        Migration(71, "delivery lease owners and the claim index") { d in
            [
                "ALTER TABLE deliveries ADD COLUMN lease_owner \(d.text)",
                // Workers claim by channel (those they have adapters for), state and due time.
                "CREATE INDEX deliveries_claim ON deliveries (channel, state, due_at)",
            ]
        },
        // Email: addresses a server refused for good (5xx to RCPT) are flagged and not tried
        // again until HR fixes them; opt-outs record one-click unsubscribes (topic 0: every
        // optional post on the channel); `link_keys` holds the key that signs links in
        // messages, made once per database so every server signs alike.
        Migration(72, "email flags, opt-outs and link keys") { d in
            [
                """
                CREATE TABLE email_flags (
                    address \(d.text) PRIMARY KEY,
                    reason \(d.text) NOT NULL,
                    delivery_id \(d.bigint),
                    flagged_at \(d.bigint) NOT NULL)
                """,
                """
                CREATE TABLE delivery_optouts (
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    topic_id \(d.bigint) NOT NULL,
                    channel \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    PRIMARY KEY (employee_id, topic_id, channel))
                """,
                "CREATE TABLE link_keys (name \(d.text) PRIMARY KEY, secret \(d.text) NOT NULL, created_at \(d.bigint) NOT NULL)",
                "INSERT INTO link_keys (name, secret, created_at) VALUES ('links', '\(Secrets.token(bytes: 32))', 0)",
            ]
        },
        // Channels through outside services: their settings (secrets sealed outside the
        // database's reach, see SecretBox) and the pause that stops a failing one; the id the
        // service gave each message (an SMS gateway's message id, the SMTP queue reply).
        Migration(73, "channel settings and external message ids") { d in
            [
                """
                CREATE TABLE channel_settings (
                    channel \(d.text) PRIMARY KEY,
                    config \(d.text) NOT NULL,
                    secret \(d.text),
                    paused \(d.bigint) NOT NULL DEFAULT 0,
                    pause_reason \(d.text),
                    paused_at \(d.bigint),
                    updated_at \(d.bigint) NOT NULL,
                    updated_by \(d.text) NOT NULL)
                """,
                "ALTER TABLE deliveries ADD COLUMN external_id \(d.text)",
            ]
        },
            // Claims walk these in order instead of sorting every due row (a claim over 126,000
        // rows took 123 ms on PostgreSQL). The two older indexes served only the old claim;
        // each index is one more write for every one of a send's rows.
        Migration(74, "partial indexes for claiming deliveries") { _ in
            [
                "CREATE INDEX deliveries_ready ON deliveries (channel, due_at, id) WHERE state IN ('pending', 'failed')",
                "CREATE INDEX deliveries_leased ON deliveries (channel, lease_until) WHERE state = 'sending'",
                "DROP INDEX deliveries_claim",
                "DROP INDEX deliveries_due",
            ]
        },
        // Destinations: Slack and Teams channels (incoming webhooks) and generic webhooks, with
        // their addresses sealed (the URL is the credential); one delivery per (post,
        // destination) under the same claim, lease and retry cycle as people's deliveries.
        Migration(75, "chat and webhook destinations and their deliveries") { d in
            [
                """
                CREATE TABLE destinations (
                    id \(d.idColumn),
                    name \(d.text) NOT NULL,
                    kind \(d.text) NOT NULL,
                    host \(d.text) NOT NULL,
                    url_sealed \(d.text) NOT NULL,
                    secret_sealed \(d.text),
                    paused \(d.bigint) NOT NULL DEFAULT 0,
                    pause_reason \(d.text),
                    paused_at \(d.bigint),
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL,
                    updated_by \(d.text) NOT NULL)
                """,
                """
                CREATE TABLE destination_topics (
                    destination_id \(d.bigint) NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
                    topic_id \(d.bigint) NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
                    PRIMARY KEY (destination_id, topic_id))
                """,
                """
                CREATE TABLE destination_deliveries (
                    id \(d.idColumn),
                    post_id \(d.bigint) NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                    destination_id \(d.bigint) NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
                    state \(d.text) NOT NULL,
                    due_at \(d.bigint) NOT NULL,
                    attempts \(d.bigint) NOT NULL DEFAULT 0,
                    lease_until \(d.bigint),
                    lease_owner \(d.text),
                    last_error \(d.text),
                    sent_at \(d.bigint),
                    external_id \(d.text),
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL,
                    UNIQUE (post_id, destination_id))
                """,
                "CREATE INDEX destination_deliveries_ready ON destination_deliveries (due_at, id) WHERE state IN ('pending', 'failed')",
                "CREATE INDEX destination_deliveries_leased ON destination_deliveries (lease_until) WHERE state = 'sending'",
                "CREATE INDEX destination_deliveries_destination ON destination_deliveries (destination_id)",
            ]
        },
        // Feed rows of posts that ask for acknowledgement, until the person acknowledges (the
        // feed's "waiting for you" count reads them through a partial index, migration 82).
        Migration(76, "deliveries: waiting for acknowledgement") { d in
            ["ALTER TABLE deliveries ADD COLUMN waiting_ack \(d.boolean) NOT NULL DEFAULT FALSE"]
        },
        // Each person's digest and quiet hours; email rows waiting for a digest (state
        // 'digest'), and the digest emails themselves, claimed and leased like deliveries.
        Migration(77, "delivery preferences and digests") { d in
            [
                """
                CREATE TABLE delivery_preferences (
                    employee_id \(d.bigint) PRIMARY KEY REFERENCES employees (id) ON DELETE CASCADE,
                    digest \(d.text) NOT NULL,
                    quiet_start \(d.bigint),
                    quiet_end \(d.bigint),
                    updated_at \(d.bigint) NOT NULL)
                """,
                """
                CREATE TABLE digests (
                    id \(d.idColumn),
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    mode \(d.text) NOT NULL,
                    state \(d.text) NOT NULL,
                    attempts \(d.bigint) NOT NULL DEFAULT 0,
                    due_at \(d.bigint) NOT NULL,
                    lease_owner \(d.text),
                    lease_until \(d.bigint),
                    last_error \(d.text),
                    external_id \(d.text),
                    created_at \(d.bigint) NOT NULL,
                    sent_at \(d.bigint))
                """,
                "CREATE INDEX digests_open ON digests (due_at) WHERE state IN ('sending', 'failed')",
                "ALTER TABLE deliveries ADD COLUMN digest_id \(d.bigint)",
                "CREATE INDEX deliveries_digest_due ON deliveries (due_at, employee_id) WHERE state = 'digest'",
                "CREATE INDEX deliveries_digest_id ON deliveries (digest_id) WHERE digest_id IS NOT NULL",
            ]
        },
        // Fan-out speed on PostgreSQL (issue 5): the foreign key to employees cost a third of
        // each page's insert, and the employee index served only its cascade. Employees are
        // never deleted (leavers keep their row; erasure blanks it), so no delivery can be
        // orphaned; code that deletes employees must delete their deliveries first.
        Migration(78, "deliveries without the employee foreign key and index") { d in
            d.kind == .postgres
                ? ["ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_employee_id_fkey", "DROP INDEX deliveries_employee"]
                : ["DROP INDEX deliveries_employee"]
        },
        // How many times a critical post's last message was sent again to someone who has not
        // acknowledged it (DeliveryWorker.remindUnacknowledged).
        Migration(79, "delivery reminders") { d in
            ["ALTER TABLE deliveries ADD COLUMN reminders \(d.bigint) NOT NULL DEFAULT 0"]
        },
    ]
}
