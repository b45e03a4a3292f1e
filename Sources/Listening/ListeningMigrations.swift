import TandemStore

/// Surveys take the 100s.
public enum ListeningMigrations {
    public static let all: [Migration] = [
        Migration(100, "surveys, invitations, responses and answers") { d in
            [
                // Questions are stored as JSON with the survey: they are fixed once it opens.
                """
                CREATE TABLE surveys (
                    id \(d.idColumn),
                    title \(d.text) NOT NULL,
                    intro \(d.text) NOT NULL,
                    mode \(d.text) NOT NULL,
                    state \(d.text) NOT NULL,
                    audience_id \(d.bigint),
                    closes_on \(d.text),
                    questions \(d.text) NOT NULL,
                    version \(d.bigint) NOT NULL,
                    opened_at \(d.bigint),
                    closed_at \(d.bigint),
                    invited \(d.bigint) NOT NULL DEFAULT 0,
                    created_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                // Who was asked, with breakdown values coarsened when the survey opened
                // (`SegmentCoarsening`), and whether they answered: tracked apart from the answer,
                // so reminders reach non-respondents without linking anyone to a response.
                // `submission` is the answering form's one-time key, so a retried submit is
                // recognised; it is never stored with the response.
                """
                CREATE TABLE survey_invitations (
                    survey_id \(d.bigint) NOT NULL,
                    employee_id \(d.bigint) NOT NULL,
                    country \(d.text) NOT NULL,
                    department \(d.text) NOT NULL,
                    site \(d.text) NOT NULL,
                    worker_type \(d.text) NOT NULL,
                    responded \(d.boolean) NOT NULL,
                    submission \(d.text),
                    PRIMARY KEY (survey_id, employee_id))
                """,
                // The feed looks up each reader's open invitations on every view.
                "CREATE INDEX survey_invitations_employee ON survey_invitations (employee_id, responded)",
                // A response of an anonymous survey has no employee_id and no time: only the
                // invitation's coarsened values. Ids are random, not in answering order.
                """
                CREATE TABLE survey_responses (
                    id \(d.text) PRIMARY KEY,
                    survey_id \(d.bigint) NOT NULL,
                    employee_id \(d.bigint),
                    submitted_at \(d.bigint),
                    country \(d.text) NOT NULL,
                    department \(d.text) NOT NULL,
                    site \(d.text) NOT NULL,
                    worker_type \(d.text) NOT NULL)
                """,
                "CREATE INDEX survey_responses_survey ON survey_responses (survey_id)",
                """
                CREATE TABLE survey_answers (
                    response_id \(d.text) NOT NULL,
                    survey_id \(d.bigint) NOT NULL,
                    question \(d.text) NOT NULL,
                    item \(d.text) NOT NULL,
                    number \(d.bigint),
                    choice \(d.text),
                    body \(d.text),
                    sentiment \(d.text),
                    sentiment_score \(d.double),
                    PRIMARY KEY (response_id, question, item))
                """,
                "CREATE INDEX survey_answers_question ON survey_answers (survey_id, question, item)",
                // Results read counts, not answers: per coarsened group, how many were asked and
                // answered, and per group × question × item × value, how many gave it (kept in
                // the answer's transaction). Groups have at least the threshold of people asked,
                // so these are aggregates too.
                """
                CREATE TABLE survey_groups (
                    survey_id \(d.bigint) NOT NULL,
                    country \(d.text) NOT NULL,
                    department \(d.text) NOT NULL,
                    site \(d.text) NOT NULL,
                    worker_type \(d.text) NOT NULL,
                    invited \(d.bigint) NOT NULL,
                    responded \(d.bigint) NOT NULL,
                    PRIMARY KEY (survey_id, country, department, site, worker_type))
                """,
                """
                CREATE TABLE survey_tallies (
                    survey_id \(d.bigint) NOT NULL,
                    country \(d.text) NOT NULL,
                    department \(d.text) NOT NULL,
                    site \(d.text) NOT NULL,
                    worker_type \(d.text) NOT NULL,
                    question \(d.text) NOT NULL,
                    item \(d.text) NOT NULL,
                    value \(d.text) NOT NULL,
                    n \(d.bigint) NOT NULL,
                    PRIMARY KEY (survey_id, question, item, value, country, department, site, worker_type))
                """,
            ]
        },
        // Action planning: what the owners will do about a finding, with a due day.
        Migration(101, "survey actions") { d in
            [
                """
                CREATE TABLE survey_actions (
                    id \(d.idColumn),
                    survey_id \(d.bigint) NOT NULL,
                    finding \(d.text) NOT NULL,
                    action \(d.text) NOT NULL,
                    owner_team \(d.text) NOT NULL,
                    due_on \(d.text) NOT NULL,
                    status \(d.text) NOT NULL,
                    version \(d.bigint) NOT NULL,
                    updated_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX survey_actions_survey ON survey_actions (survey_id, due_on)",
            ]
        },
        // Distribution: the channels a survey's invitation goes out on, its automatic reminders,
        // and one outbox row per person × channel × round (0 the invitation, n the n-th reminder).
        // The UNIQUE key makes planning a round twice harmless. The rows say when a message was
        // sent to a person, never anything about their answer.
        Migration(102, "survey messages and reminders") { d in
            [
                "ALTER TABLE surveys ADD COLUMN channels \(d.text) NOT NULL DEFAULT ''",
                "ALTER TABLE surveys ADD COLUMN remind_after_days \(d.bigint)",
                "ALTER TABLE surveys ADD COLUMN reminders \(d.bigint) NOT NULL DEFAULT 0",
                "ALTER TABLE surveys ADD COLUMN reminded_at \(d.bigint)",
                """
                CREATE TABLE survey_messages (
                    id \(d.idColumn),
                    survey_id \(d.bigint) NOT NULL,
                    employee_id \(d.bigint) NOT NULL,
                    channel \(d.text) NOT NULL,
                    round \(d.bigint) NOT NULL,
                    state \(d.text) NOT NULL,
                    due_at \(d.bigint) NOT NULL,
                    attempts \(d.bigint) NOT NULL DEFAULT 0,
                    lease_owner \(d.text),
                    lease_until \(d.bigint),
                    last_error \(d.text),
                    receipt \(d.text),
                    sent_at \(d.bigint),
                    updated_at \(d.bigint) NOT NULL,
                    UNIQUE (survey_id, employee_id, channel, round))
                """,
                "CREATE INDEX survey_messages_due ON survey_messages (state, due_at)",
            ]
        },
        // Pulses: a draft survey as the template of a series of waves, each a survey of its own
        // opened on schedule to a rotating sample. `next_on` is the day the next wave opens.
        Migration(103, "pulse series") { d in
            [
                """
                CREATE TABLE survey_series (
                    id \(d.idColumn),
                    template_id \(d.bigint) NOT NULL UNIQUE,
                    every_days \(d.bigint) NOT NULL,
                    sample_percent \(d.bigint) NOT NULL,
                    open_days \(d.bigint) NOT NULL,
                    next_on \(d.text) NOT NULL,
                    active \(d.boolean) NOT NULL,
                    waves \(d.bigint) NOT NULL DEFAULT 0,
                    note \(d.text),
                    updated_by \(d.text) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                "ALTER TABLE surveys ADD COLUMN series_id \(d.bigint)",
                "ALTER TABLE surveys ADD COLUMN wave \(d.bigint)",
                "CREATE INDEX surveys_series ON surveys (series_id, wave)",
            ]
        },
        // Lifecycle surveys: open for good, asking each person when an HR date comes (30 or 90
        // days after hire, the last week before leaving). `lifecycle_on` is the last day the
        // survey looked for people, so the check runs once a day whatever the tick rate.
        Migration(104, "lifecycle surveys") { d in
            [
                "ALTER TABLE surveys ADD COLUMN lifecycle \(d.text)",
                "ALTER TABLE surveys ADD COLUMN lifecycle_on \(d.text)",
            ]
        },
        // A survey's wording in other languages: the same questions, each choice and statement
        // in the same order, so answers are stored in the survey's own words whatever the
        // language they were given in.
        Migration(105, "survey translations") { d in
            [
                """
                CREATE TABLE survey_translations (
                    survey_id \(d.bigint) NOT NULL,
                    language \(d.text) NOT NULL,
                    title \(d.text) NOT NULL,
                    intro \(d.text) NOT NULL,
                    questions \(d.text) NOT NULL,
                    updated_by \(d.text) NOT NULL,
                    updated_at \(d.bigint) NOT NULL,
                    PRIMARY KEY (survey_id, language))
                """,
            ]
        },
        // A draft HR scheduled opens on `opens_on` (the loop opens it; a failure is kept in
        // `open_error` for HR). Chat destinations get one post per round in `survey_chat_posts`.
        Migration(106, "scheduled opening and chat posts for surveys") { d in
            [
                "ALTER TABLE surveys ADD COLUMN opens_on \(d.text)",
                "ALTER TABLE surveys ADD COLUMN scheduled_by \(d.text)",
                "ALTER TABLE surveys ADD COLUMN open_error \(d.text)",
                "ALTER TABLE surveys ADD COLUMN chat_destinations \(d.text) NOT NULL DEFAULT ''",
                """
                CREATE TABLE survey_chat_posts (
                    id \(d.idColumn),
                    survey_id \(d.bigint) NOT NULL,
                    destination_id \(d.bigint) NOT NULL,
                    round \(d.bigint) NOT NULL,
                    state \(d.text) NOT NULL,
                    due_at \(d.bigint) NOT NULL,
                    attempts \(d.bigint) NOT NULL DEFAULT 0,
                    lease_owner \(d.text),
                    lease_until \(d.bigint),
                    last_error \(d.text),
                    receipt \(d.text),
                    sent_at \(d.bigint),
                    updated_at \(d.bigint) NOT NULL,
                    UNIQUE (survey_id, destination_id, round))
                """,
                "CREATE INDEX survey_chat_posts_due ON survey_chat_posts (state, due_at)",
            ]
        },
        // Anonymous answers wait sealed in `survey_ballots` until `threshold` from the same group
        // can be counted together (`BallotBox`); `counted` is how many of a group's responses
        // are stored and tallied, `responded` how many people answered. `group_tag` is a keyed
        // digest of the group, so one group's ballots are found without opening the others. On
        // SQLite the ballot box is kept in random-id order (WITHOUT ROWID), not answering order.
        Migration(107, "anonymous answers counted in groups") { d in
            [
                "ALTER TABLE survey_groups ADD COLUMN counted \(d.bigint) NOT NULL DEFAULT 0",
                "UPDATE survey_groups SET counted = responded",
                """
                CREATE TABLE survey_ballots (
                    id \(d.text) PRIMARY KEY,
                    survey_id \(d.bigint) NOT NULL,
                    group_tag \(d.text) NOT NULL,
                    sealed \(d.text) NOT NULL)\(d.kind == .sqlite ? " WITHOUT ROWID" : "")
                """,
                "CREATE INDEX survey_ballots_group ON survey_ballots (survey_id, group_tag)",
            ]
        },
    ]
}
