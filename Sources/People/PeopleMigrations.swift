import TandemStore

public enum PeopleMigrations {
    public static let all: [Migration] = [
        Migration(30, "employees and benefit enrollments") { d in
            [
                """
                CREATE TABLE employees (
                    id \(d.idColumn),
                    employee_id \(d.text) NOT NULL UNIQUE,
                    given_name \(d.text) NOT NULL,
                    family_name \(d.text) NOT NULL,
                    preferred_name \(d.text),
                    work_email \(d.text),
                    mobile_phone \(d.text),
                    language \(d.text) NOT NULL,
                    time_zone \(d.text) NOT NULL,
                    country \(d.text) NOT NULL,
                    region \(d.text),
                    site \(d.text),
                    department \(d.text),
                    team \(d.text),
                    job_title \(d.text),
                    job_level \(d.text),
                    manager_id \(d.text),
                    employment_type \(d.text) NOT NULL,
                    worker_type \(d.text) NOT NULL,
                    hire_date \(d.text),
                    termination_date \(d.text),
                    pay_band \(d.text),
                    annual_pay \(d.double),
                    pay_currency \(d.text),
                    hce \(d.boolean) NOT NULL DEFAULT FALSE,
                    search_text \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                "CREATE INDEX employees_country ON employees (country, id)",
                "CREATE INDEX employees_department ON employees (department, id)",
                "CREATE INDEX employees_site ON employees (site, id)",
                "CREATE INDEX employees_manager ON employees (manager_id)",
                """
                CREATE TABLE employee_benefits (
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    plan \(d.text) NOT NULL,
                    enrolled \(d.boolean) NOT NULL,
                    deferral_percent \(d.double),
                    PRIMARY KEY (employee_id, plan))
                """,
            ]
        },
        Migration(31, "employee imports: history, saved mappings, staged uploads") { d in
            [
                """
                CREATE TABLE employee_imports (
                    id \(d.idColumn),
                    at \(d.bigint) NOT NULL,
                    actor \(d.text) NOT NULL,
                    file_name \(d.text) NOT NULL,
                    mode \(d.text) NOT NULL,
                    total_rows \(d.bigint) NOT NULL,
                    created \(d.bigint) NOT NULL,
                    updated \(d.bigint) NOT NULL,
                    unchanged \(d.bigint) NOT NULL,
                    deactivated \(d.bigint) NOT NULL,
                    rejected \(d.bigint) NOT NULL)
                """,
                "CREATE TABLE import_mappings (name \(d.text) PRIMARY KEY, mapping_json \(d.text) NOT NULL, updated_at \(d.bigint) NOT NULL)",
                """
                CREATE TABLE import_uploads (
                    id \(d.text) PRIMARY KEY,
                    user_id \(d.bigint) NOT NULL,
                    file_name \(d.text) NOT NULL,
                    content \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL)
                """,
            ]
        },
        Migration(32, "employees: updated_at index for the directory summary's change signal") { _ in
            ["CREATE INDEX employees_updated_at ON employees (updated_at)"]
        },
        // Audience counts mostly test these fields; with all of them in one index, PostgreSQL and
        // SQLite count from the index alone instead of reading a million table rows.
        // Dates are ISO text compared byte by byte (rules say `COLLATE "C"` on PostgreSQL); giving
        // the columns that collation lets such comparisons use the index.
        Migration(33, "employees: covering index for audience counts; byte-order dates on PostgreSQL") { d in
            (d.kind == .postgres ? [
                #"ALTER TABLE employees ALTER COLUMN hire_date TYPE TEXT COLLATE "C""#,
                #"ALTER TABLE employees ALTER COLUMN termination_date TYPE TEXT COLLATE "C""#,
            ] : []) + ["CREATE INDEX employees_targeting ON employees (department, worker_type, country, hire_date, termination_date)"]
        },
        // Text search (`search_text LIKE '%term%'`) through a trigram index instead of a full scan.
        // SQLite: an FTS5 trigram table over `employees.search_text` (external content, so it holds
        // only the index), kept in step by triggers because several writers change the column
        // (bulk import, SCIM single writes, GDPR erase). PostgreSQL: a pg_trgm GIN index, which
        // serves the LIKE itself. The extension goes into `public` so that per-schema installs
        // (tests, several Tandems in one database) share it; a role that may not create it gets
        // a message saying what to run.
        Migration(34, "employees: trigram index for directory text search") { d in
            switch d.trigramIndex {
            case .ftsTable:
                [
                    """
                    CREATE VIRTUAL TABLE employee_search USING fts5(
                        search_text, content='employees', content_rowid='id', tokenize='trigram', detail='none')
                    """,
                    """
                    CREATE TRIGGER employees_search_insert AFTER INSERT ON employees BEGIN
                        INSERT INTO employee_search (rowid, search_text) VALUES (new.id, new.search_text);
                    END
                    """,
                    """
                    CREATE TRIGGER employees_search_delete AFTER DELETE ON employees BEGIN
                        INSERT INTO employee_search (employee_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                    END
                    """,
                    """
                    CREATE TRIGGER employees_search_update AFTER UPDATE OF id, search_text ON employees
                    WHEN old.id IS NOT new.id OR old.search_text IS NOT new.search_text BEGIN
                        INSERT INTO employee_search (employee_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                        INSERT INTO employee_search (rowid, search_text) VALUES (new.id, new.search_text);
                    END
                    """,
                    "INSERT INTO employee_search (employee_search) VALUES ('rebuild')",
                ]
            case .onColumn:
                [
                    """
                    DO $$
                    BEGIN
                        IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                            BEGIN
                                CREATE EXTENSION pg_trgm SCHEMA public;
                            EXCEPTION WHEN OTHERS THEN
                                RAISE EXCEPTION 'people search needs the PostgreSQL extension pg_trgm, and this role could not create it (%). Ask the database owner or a superuser to run "CREATE EXTENSION pg_trgm SCHEMA public;" in this database, then start Tandem again.', SQLERRM;
                            END;
                        END IF;
                        EXECUTE format('CREATE INDEX employees_search_trgm ON employees USING gin (search_text %I.gin_trgm_ops)',
                            (SELECT n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'pg_trgm'));
                    END
                    $$
                    """
                ]
            }
        },
        Migration(35, "custom attributes: definitions and values") { d in
            [
                """
                CREATE TABLE custom_attributes (
                    id \(d.idColumn),
                    name \(d.text) NOT NULL UNIQUE,
                    label \(d.text) NOT NULL,
                    kind \(d.text) NOT NULL,
                    options \(d.text) NOT NULL,
                    sensitive \(d.boolean) NOT NULL,
                    description \(d.text) NOT NULL,
                    updated_by \(d.text) NOT NULL,
                    created_at \(d.bigint) NOT NULL,
                    updated_at \(d.bigint) NOT NULL)
                """,
                // One row per employee and attribute that has a value (an empty cell deletes it).
                // On SQLite the rows live in the primary key's B-tree (WITHOUT ROWID): one tree
                // fewer to write per value, which imports of attribute columns feel.
                // `value` is the canonical text; numbers also fill `number_value` so rules can
                // compare them as numbers. Dates compare as ISO text, byte by byte.
                """
                CREATE TABLE employee_attributes (
                    employee_id \(d.bigint) NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
                    attribute_id \(d.bigint) NOT NULL REFERENCES custom_attributes (id) ON DELETE CASCADE,
                    value \(d.text)\(d.kind == .postgres ? #" COLLATE "C""# : "") NOT NULL,
                    number_value \(d.double),
                    PRIMARY KEY (employee_id, attribute_id))\(d.kind == .sqlite ? " WITHOUT ROWID" : "")
                """,
                "CREATE INDEX employee_attributes_value ON employee_attributes (attribute_id, value, employee_id)",
                // Partial: only number attributes have a number, so other values cost no second index entry.
                "CREATE INDEX employee_attributes_number ON employee_attributes (attribute_id, number_value, employee_id) WHERE number_value IS NOT NULL",
            ]
        },
        // 36–38 are left for more directory indexes.
        Migration(39, "erased employees (hashed ids, so an HRIS file cannot bring them back)") { d in
            ["CREATE TABLE erased_employees (id_hash \(d.text) PRIMARY KEY, replacement \(d.text) NOT NULL, erased_at \(d.bigint) NOT NULL)"]
        },
    ]
}
