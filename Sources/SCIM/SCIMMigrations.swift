import TandemStore

public enum SCIMMigrations {
    public static let all: [Migration] = [
        Migration(50, "SCIM users (provisioned employees) and SCIM tokens") { d in
            [
                // One row per provisioned employee; what SCIM keeps that People has no column for.
                """
                CREATE TABLE scim_users (
                    employee_pk \(d.bigint) PRIMARY KEY REFERENCES employees (id) ON DELETE CASCADE,
                    scim_id \(d.text) NOT NULL UNIQUE,
                    external_id \(d.text),
                    user_name \(d.text) NOT NULL,
                    user_name_key \(d.text) NOT NULL UNIQUE,
                    formatted_name \(d.text) NOT NULL,
                    scim_display_name \(d.text) NOT NULL,
                    locale \(d.text),
                    user_type \(d.text),
                    division \(d.text),
                    organization \(d.text),
                    cost_center \(d.text),
                    version \(d.bigint) NOT NULL,
                    scim_created_at \(d.bigint) NOT NULL,
                    scim_updated_at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX scim_users_external ON scim_users (external_id)",
                """
                CREATE TABLE scim_tokens (
                    id \(d.idColumn),
                    name \(d.text) NOT NULL,
                    token_hash \(d.text) NOT NULL UNIQUE,
                    prefix \(d.text) NOT NULL,
                    created_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    last_used_at \(d.bigint),
                    revoked_at \(d.bigint))
                """,
            ]
        },
        Migration(51, "SCIM groups and their members") { d in
            [
                """
                CREATE TABLE scim_groups (
                    id \(d.idColumn),
                    scim_id \(d.text) NOT NULL UNIQUE,
                    external_id \(d.text),
                    display_name \(d.text) NOT NULL,
                    display_name_key \(d.text) NOT NULL UNIQUE,
                    version \(d.bigint) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                """
                CREATE TABLE scim_group_members (
                    group_pk \(d.bigint) NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
                    employee_pk \(d.bigint) NOT NULL REFERENCES scim_users (employee_pk) ON DELETE CASCADE,
                    PRIMARY KEY (group_pk, employee_pk))
                """,
                "CREATE INDEX scim_group_members_employee ON scim_group_members (employee_pk)",
            ]
        },
    ]
}
