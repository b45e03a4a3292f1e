import TandemStore

/// Audiences take migrations 40–49.
public enum AudienceMigrations {
    public static let all: [Migration] = [
        Migration(40, "saved audiences with versions, static lists and personas") { d in
            [
                """
                CREATE TABLE audiences (
                    id \(d.idColumn),
                    name \(d.text) NOT NULL,
                    name_key \(d.text) NOT NULL UNIQUE,
                    description \(d.text) NOT NULL,
                    kind \(d.text) NOT NULL,
                    rule_text \(d.text),
                    list_size \(d.bigint),
                    version \(d.bigint) NOT NULL,
                    uses_sensitive \(d.boolean) NOT NULL,
                    updated_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                """
                CREATE TABLE audience_versions (
                    audience_id \(d.bigint) NOT NULL REFERENCES audiences (id) ON DELETE CASCADE,
                    version \(d.bigint) NOT NULL,
                    name \(d.text) NOT NULL,
                    rule_text \(d.text),
                    list_size \(d.bigint),
                    saved_by \(d.text) NOT NULL,
                    saved_at \(d.bigint) NOT NULL,
                    PRIMARY KEY (audience_id, version))
                """,
                """
                CREATE TABLE audience_members (
                    audience_id \(d.bigint) NOT NULL REFERENCES audiences (id) ON DELETE CASCADE,
                    version \(d.bigint) NOT NULL,
                    employee_id \(d.text) NOT NULL,
                    PRIMARY KEY (audience_id, version, employee_id))
                """,
                """
                CREATE TABLE audience_references (
                    audience_id \(d.bigint) NOT NULL REFERENCES audiences (id) ON DELETE CASCADE,
                    target_id \(d.bigint) NOT NULL REFERENCES audiences (id),
                    PRIMARY KEY (audience_id, target_id))
                """,
                "CREATE INDEX audience_references_target ON audience_references (target_id)",
                """
                CREATE TABLE personas (
                    id \(d.idColumn),
                    name \(d.text) NOT NULL,
                    name_key \(d.text) NOT NULL UNIQUE,
                    summary \(d.text) NOT NULL,
                    needs \(d.text) NOT NULL,
                    pain_points \(d.text) NOT NULL,
                    channels \(d.text) NOT NULL,
                    languages \(d.text) NOT NULL,
                    interests \(d.text) NOT NULL,
                    audience_id \(d.bigint) REFERENCES audiences (id),
                    updated_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
            ]
        }
    ]
}
