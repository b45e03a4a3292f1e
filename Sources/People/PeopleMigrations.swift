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
        // 34–38 are left for custom attributes and more directory indexes.
        Migration(39, "erased employees (hashed ids, so an HRIS file cannot bring them back)") { d in
            ["CREATE TABLE erased_employees (id_hash \(d.text) PRIMARY KEY, replacement \(d.text) NOT NULL, erased_at \(d.bigint) NOT NULL)"]
        },
    ]
}
