import TandemStore

public enum AuditMigrations {
    public static let all: [Migration] = [
        Migration(20, "audit log") { d in
            [
                """
                CREATE TABLE audit_log (
                    id \(d.idColumn),
                    at \(d.bigint) NOT NULL,
                    actor_id \(d.bigint),
                    actor \(d.text) NOT NULL,
                    channel \(d.text) NOT NULL,
                    action \(d.text) NOT NULL,
                    entity_type \(d.text) NOT NULL,
                    entity_id \(d.text) NOT NULL,
                    summary \(d.text) NOT NULL,
                    before_json \(d.text),
                    after_json \(d.text),
                    request_id \(d.text))
                """,
                "CREATE INDEX audit_log_at ON audit_log (at)",
                "CREATE INDEX audit_log_actor ON audit_log (actor, id)",
                "CREATE INDEX audit_log_action ON audit_log (action, id)",
                "CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id)",
            ]
        }
    ]
}
