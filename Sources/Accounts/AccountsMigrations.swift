import TandemStore

public enum AccountsMigrations {
    public static let all: [Migration] = [
        Migration(10, "teams, users and roles") { d in
            [
                // name_key is the name lower-cased by Swift (Unicode-aware; SQL LOWER() is ASCII-only in SQLite).
                "CREATE TABLE teams (id \(d.idColumn), name \(d.text) NOT NULL, name_key \(d.text) NOT NULL UNIQUE, created_at \(d.bigint) NOT NULL)",
                """
                CREATE TABLE users (
                    id \(d.idColumn),
                    email \(d.text) NOT NULL UNIQUE,
                    display_name \(d.text) NOT NULL,
                    password_hash \(d.text),
                    must_change_password \(d.boolean) NOT NULL DEFAULT FALSE,
                    team_id \(d.bigint) REFERENCES teams (id),
                    is_active \(d.boolean) NOT NULL DEFAULT TRUE,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL,
                    last_sign_in_at \(d.bigint))
                """,
                """
                CREATE TABLE user_roles (
                    user_id \(d.bigint) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    role \(d.text) NOT NULL,
                    PRIMARY KEY (user_id, role))
                """,
            ]
        },
        Migration(11, "sessions, API tokens, sign-in throttle, settings") { d in
            [
                """
                CREATE TABLE sessions (
                    id \(d.text) PRIMARY KEY,
                    user_id \(d.bigint) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    csrf_token \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    expires_at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX sessions_user ON sessions (user_id)",
                "CREATE INDEX sessions_expires ON sessions (expires_at)",
                """
                CREATE TABLE api_tokens (
                    id \(d.idColumn),
                    user_id \(d.bigint) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    name \(d.text) NOT NULL,
                    token_hash \(d.text) NOT NULL UNIQUE,
                    prefix \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    last_used_at \(d.bigint),
                    revoked_at \(d.bigint))
                """,
                "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
                "CREATE TABLE sign_in_failures (id \(d.idColumn), subject \(d.text) NOT NULL, at \(d.bigint) NOT NULL)",
                "CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, at)",
                "CREATE TABLE settings (key \(d.text) PRIMARY KEY, value \(d.text) NOT NULL, updated_at \(d.bigint) NOT NULL)",
            ]
        },
    ]
}
