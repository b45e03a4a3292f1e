public import People
public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Saved audiences: current state, every version, static list members and the references
/// between audiences (so one that others use cannot be renamed away or deleted).
public struct AudienceStore: Sendable {
    let database: Database
    /// What else targets an audience (posts, in the content feature), asked inside the delete's
    /// transaction; Audiences cannot see those features, so the app wires this in.
    let usedElsewhere: @Sendable (Audience.ID, any SQLDatabase) async throws -> [String]

    public init(database: Database, usedElsewhere: @escaping @Sendable (Audience.ID, any SQLDatabase) async throws -> [String] = { _, _ in [] }) {
        self.database = database
        self.usedElsewhere = usedElsewhere
    }

    // MARK: reading

    public func list(cursor: Int64?, limit: Int) async throws -> Page<Audience> {
        let rows = try await database.reader.raw(
            "SELECT * FROM audiences WHERE id > \(bind: cursor ?? 0) ORDER BY id LIMIT \(bind: limit + 1)").all()
        let items = try rows.prefix(limit).map(Self.audience)
        return Page(items: items, nextCursor: rows.count > limit ? items.last.map { Cursor.encode($0.id) } : nil)
    }

    /// Every audience by name, for menus (personas, the rule builder).
    public func all() async throws -> [Audience] {
        try await database.reader.raw("SELECT * FROM audiences ORDER BY name_key").all().map(Self.audience)
    }

    public func find(id: Audience.ID) async throws -> Audience? {
        try await database.reader.raw("SELECT * FROM audiences WHERE id = \(bind: id)").first().map(Self.audience)
    }

    public func find(name: String) async throws -> Audience? {
        try await database.reader.raw("SELECT * FROM audiences WHERE name_key = \(bind: Self.key(name))").first().map(Self.audience)
    }

    /// Newest first.
    public func versions(of id: Audience.ID) async throws -> [AudienceVersion] {
        try await database.reader.raw("SELECT * FROM audience_versions WHERE audience_id = \(bind: id) ORDER BY version DESC").all().map { row in
            AudienceVersion(
                version: Int(try row.decode(column: "version", as: Int64.self)), name: try row.decode(column: "name", as: String.self),
                rule: try row.decode(column: "rule_text", as: String?.self), listSize: try row.decode(column: "list_size", as: Int64?.self).map(Int.init),
                savedBy: try row.decode(column: "saved_by", as: String.self), savedAt: Millis.date(try row.decode(column: "saved_at", as: Int64.self)))
        }
    }

    /// The employee ids of a list audience at one version.
    public func members(of id: Audience.ID, version: Int) async throws -> [String] {
        try await database.reader.raw("""
            SELECT employee_id FROM audience_members WHERE audience_id = \(bind: id) AND version = \(bind: Int64(version)) ORDER BY employee_id
            """).all().map { try $0.decode(column: "employee_id", as: String.self) }
    }

    /// Names of the audiences whose rules refer to this one.
    public func referrers(of id: Audience.ID) async throws -> [String] {
        try await Self.referrers(of: id, on: database.reader)
    }

    static func referrers(of id: Audience.ID, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw("""
            SELECT a.name FROM audience_references r JOIN audiences a ON a.id = r.audience_id WHERE r.target_id = \(bind: id) ORDER BY a.name_key
            """).all().map { try $0.decode(column: "name", as: String.self) }
    }

    /// Every saved audience `rule` refers to, directly or through other audiences, keyed by
    /// lower-cased name. Unknown names are an error that lists what exists.
    public func definitions(for rule: Rule, includeMembers: Bool) async throws -> SavedDefinitions {
        try await Self.definitions(for: rule, includeMembers: includeMembers, on: database.reader)
    }

    static func definitions(for rule: Rule, includeMembers: Bool, on db: any SQLDatabase) async throws -> SavedDefinitions {
        var found = SavedDefinitions()
        var pending = rule.audienceNames
        var attributes: [AttributeDefinition]?
        while let name = pending.popLast() {
            let key = Self.key(name)
            if found.byKey[key] != nil { continue }
            guard let row = try await db.raw("SELECT * FROM audiences WHERE name_key = \(bind: key)").first() else {
                let known = try await db.raw("SELECT name FROM audiences ORDER BY name_key LIMIT 6").all().map { try $0.decode(column: "name", as: String.self) }
                throw AppError.invalid("rule", "There is no saved audience named \"\(name)\"."
                    + (known.isEmpty ? " No audiences are saved yet." : " Saved audiences include: \(known.map { "\"\($0)\"" }.joined(separator: ", "))."))
            }
            let audience = try Self.audience(row)
            switch audience.kind {
            case .rule:
                if attributes == nil { attributes = try await AttributeStore.all(on: db) }
                let saved = try RuleParser.parse(audience.rule ?? "", attributes: attributes ?? [])
                found.byKey[key] = (audience, .rule(saved))
                pending += saved.audienceNames
            case .list:
                var members = Set<String>()
                if includeMembers {
                    members = Set(try await db.raw("""
                        SELECT employee_id FROM audience_members WHERE audience_id = \(bind: audience.id) AND version = \(bind: Int64(audience.version))
                        """).all().map { try $0.decode(column: "employee_id", as: String.self) })
                }
                found.byKey[key] = (audience, .list(audienceID: audience.id, version: audience.version, members: members))
            }
        }
        return found
    }

    // MARK: writing

    /// Saves a new audience (version 1). `mayUseSensitive` is whether the caller may target on
    /// pay, HCE and benefits (HR and admins).
    public func create(_ draft: AudienceDraft, mayUseSensitive: Bool, by actor: AuditActor) async throws -> Audience {
        try await database.transaction { db in
            if try await db.raw("SELECT id FROM audiences WHERE name_key = \(bind: Self.key(draft.name))").first() != nil {
                throw AppError.conflict("An audience named \"\(draft.name)\" already exists. Choose another name.", field: "name")
            }
            let checked = try await Self.check(draft, savingAs: nil, mayUseSensitive: mayUseSensitive, on: db)
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO audiences (name, name_key, description, kind, rule_text, list_size, version, uses_sensitive, updated_by, created_at, updated_at)
                VALUES (\(bind: draft.name), \(bind: Self.key(draft.name)), \(bind: draft.description), \(bind: checked.kind.rawValue),
                        \(bind: checked.ruleText), \(bind: checked.listSize.map(Int64.init)), \(bind: Int64(1)), \(bind: checked.sensitive),
                        \(bind: actor.label), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The audience could not be saved.") }
            try await Self.writeVersion(id: id, version: 1, draft: draft, checked: checked, actor: actor, at: now, on: db)
            try await AuditStore.append(
                AuditEntry(action: "audience.create", entityType: "audience", entityID: String(id),
                           summary: "Created audience \"\(draft.name)\" (\(checked.summary))", after: checked.auditFields(name: draft.name)),
                by: actor, on: db)
            return try await Self.audience(try db.raw("SELECT * FROM audiences WHERE id = \(bind: id)").first()!)
        }
    }

    /// Saves a new version. The old version stays readable in `versions(of:)`.
    public func update(_ id: Audience.ID, _ draft: AudienceDraft, mayUseSensitive: Bool, by actor: AuditActor) async throws -> Audience {
        try await database.transaction { db in
            guard let beforeRow = try await db.raw("SELECT * FROM audiences WHERE id = \(bind: id)").first() else { throw AppError.notFound("Audience") }
            let before = try Self.audience(beforeRow)
            if before.usesSensitiveFields && !mayUseSensitive {
                throw AppError(.forbidden, code: "sensitive_field", message: "This audience targets on pay, HCE or benefits; only HR can change it.")
            }
            if Self.key(draft.name) != Self.key(before.name) {
                if try await db.raw("SELECT id FROM audiences WHERE name_key = \(bind: Self.key(draft.name))").first() != nil {
                    throw AppError.conflict("An audience named \"\(draft.name)\" already exists. Choose another name.", field: "name")
                }
                let users = try await Self.referrers(of: id, on: db)
                if !users.isEmpty {
                    throw AppError.conflict("\"\(before.name)\" cannot be renamed while these audiences refer to it by name: \(users.joined(separator: ", ")).", field: "name")
                }
            }
            let checked = try await Self.check(draft, savingAs: (id, before.name), mayUseSensitive: mayUseSensitive, on: db)
            let now = Millis.from(Date())
            let version = before.version + 1
            try await db.raw("""
                UPDATE audiences SET name = \(bind: draft.name), name_key = \(bind: Self.key(draft.name)), description = \(bind: draft.description),
                    kind = \(bind: checked.kind.rawValue), rule_text = \(bind: checked.ruleText), list_size = \(bind: checked.listSize.map(Int64.init)),
                    version = \(bind: Int64(version)), uses_sensitive = \(bind: checked.sensitive), updated_by = \(bind: actor.label), updated_at = \(bind: now)
                WHERE id = \(bind: id)
                """).run()
            try await db.raw("DELETE FROM audience_references WHERE audience_id = \(bind: id)").run()
            try await Self.writeVersion(id: id, version: version, draft: draft, checked: checked, actor: actor, at: now, on: db)
            try await Self.refreshSensitiveFlags(above: id, on: db)
            try await AuditStore.append(
                AuditEntry(action: "audience.update", entityType: "audience", entityID: String(id),
                           summary: "Saved version \(version) of audience \"\(draft.name)\" (\(checked.summary))",
                           before: ["name": before.name, "rule": before.rule ?? "", "list_size": before.listSize.map(String.init) ?? ""],
                           after: checked.auditFields(name: draft.name)),
                by: actor, on: db)
            return try Self.audience(try await db.raw("SELECT * FROM audiences WHERE id = \(bind: id)").first()!)
        }
    }

    /// Deletes an audience and its history. Refused while other audiences or personas use it.
    public func delete(_ id: Audience.ID, mayUseSensitive: Bool, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT * FROM audiences WHERE id = \(bind: id)").first() else { throw AppError.notFound("Audience") }
            let audience = try Self.audience(row)
            if audience.usesSensitiveFields && !mayUseSensitive {
                throw AppError(.forbidden, code: "sensitive_field", message: "This audience targets on pay, HCE or benefits; only HR can delete it.")
            }
            let users = try await Self.referrers(of: id, on: db)
            if !users.isEmpty {
                throw AppError.conflict("\"\(audience.name)\" is used by these audiences: \(users.joined(separator: ", ")). Change them first.")
            }
            let personas = try await db.raw("SELECT name FROM personas WHERE audience_id = \(bind: id) ORDER BY name_key").all()
                .map { try $0.decode(column: "name", as: String.self) }
            if !personas.isEmpty {
                throw AppError.conflict("\"\(audience.name)\" is linked to these personas: \(personas.joined(separator: ", ")). Unlink them first.")
            }
            let elsewhere = try await usedElsewhere(id, db)
            if !elsewhere.isEmpty {
                throw AppError.conflict("\"\(audience.name)\" is the audience of \(elsewhere.count) post(s), e.g. \(elsewhere.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")). Change their audiences first.")
            }
            try await db.raw("DELETE FROM audience_members WHERE audience_id = \(bind: id)").run()
            try await db.raw("DELETE FROM audience_versions WHERE audience_id = \(bind: id)").run()
            try await db.raw("DELETE FROM audience_references WHERE audience_id = \(bind: id)").run()
            try await db.raw("DELETE FROM audiences WHERE id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "audience.delete", entityType: "audience", entityID: String(id), summary: "Deleted audience \"\(audience.name)\"",
                           before: ["name": audience.name, "rule": audience.rule ?? "", "version": String(audience.version)]),
                by: actor, on: db)
        }
    }

    // MARK: helpers

    struct Checked {
        let kind: Audience.Kind
        let ruleText: String?
        let members: [String]
        let listSize: Int?
        let sensitive: Bool
        let references: [Audience.ID]

        var summary: String { ruleText.map { "rule: \($0.prefix(200))" } ?? "list of \(listSize ?? 0) employee ids" }
        func auditFields(name: String) -> [String: String] {
            ["name": name, "rule": ruleText ?? "", "list_size": listSize.map(String.init) ?? ""]
        }
    }

    /// Resolves references (refusing unknown names and cycles), checks field permissions and
    /// that the rule compiles; for lists, that every employee id exists.
    static func check(_ draft: AudienceDraft, savingAs current: (id: Audience.ID, name: String)?, mayUseSensitive: Bool, on db: any SQLDatabase) async throws -> Checked {
        switch draft.definition {
        case .rule(let rule):
            let saved = try await definitions(for: rule, includeMembers: false, on: db)
            let ownKeys = Set([key(draft.name)] + (current.map { [key($0.name)] } ?? []))
            if let loop = saved.byKey.keys.first(where: ownKeys.contains) ?? saved.loopingName(from: rule) {
                throw AppError.invalid("rule", "The rule refers back to itself through \"\(saved.byKey[loop]?.audience.name ?? draft.name)\"; audiences cannot refer to themselves.")
            }
            let fields = rule.fields + saved.byKey.values.flatMap { entry -> [RuleField] in
                if case .rule(let inner) = entry.definition { return inner.fields }
                return []
            }
            let sensitive = fields.contains(where: \.sensitive)
            if let field = rule.fields.first(where: \.sensitive), !mayUseSensitive {
                throw AppError(.forbidden, code: "sensitive_field", message: "Only HR can target on \(field.name) (pay, HCE and benefits are HR-only).", field: "rule")
            }
            if !mayUseSensitive, let refusal = saved.refusesForNonHR(rule) { throw refusal }
            _ = try RuleCompiler(dialect: Dialect(.sqlite), today: "2000-01-01", resolve: saved.resolve).sql(rule)
            return Checked(kind: .rule, ruleText: rule.text, members: [], listSize: nil, sensitive: sensitive,
                           references: saved.byKey.values.filter { rule.audienceNames.map(key).contains(key($0.audience.name)) }.map(\.audience.id))
        case .list(let ids):
            let checkedIDs = try AudienceRules.list(ids)
            var known = Set<String>()
            for start in stride(from: 0, to: checkedIDs.count, by: 500) {
                let batch = Array(checkedIDs[start..<min(start + 500, checkedIDs.count)])
                for row in try await db.raw("SELECT employee_id FROM employees WHERE employee_id IN (\(binds: batch))").all() {
                    known.insert(try row.decode(column: "employee_id", as: String.self))
                }
            }
            let unknown = checkedIDs.filter { !known.contains($0) }
            if !unknown.isEmpty {
                throw AppError.invalid("employee_ids", "\(unknown.count) of the ids \(unknown.count == 1 ? "is" : "are") not in the people directory: \(unknown.prefix(5).joined(separator: ", "))\(unknown.count > 5 ? ", …" : ""). Check them against the HRIS export.")
            }
            return Checked(kind: .list, ruleText: nil, members: checkedIDs, listSize: checkedIDs.count, sensitive: false, references: [])
        }
    }

    static func writeVersion(id: Audience.ID, version: Int, draft: AudienceDraft, checked: Checked, actor: AuditActor, at now: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO audience_versions (audience_id, version, name, rule_text, list_size, saved_by, saved_at)
            VALUES (\(bind: id), \(bind: Int64(version)), \(bind: draft.name), \(bind: checked.ruleText), \(bind: checked.listSize.map(Int64.init)),
                    \(bind: actor.label), \(bind: now))
            """).run()
        for start in stride(from: 0, to: checked.members.count, by: 300) {
            let batch = checked.members[start..<min(start + 300, checked.members.count)]
            let values = batch.map { member -> SQLQueryString in "(\(bind: id), \(bind: Int64(version)), \(bind: member))" }
            try await db.raw("INSERT INTO audience_members (audience_id, version, employee_id) VALUES " + values.joined(separator: ", ")).run()
        }
        for target in Set(checked.references) {
            try await db.raw("INSERT INTO audience_references (audience_id, target_id) VALUES (\(bind: id), \(bind: target))").run()
        }
    }

    /// An audience that refers to a changed one may now (or no longer) read sensitive fields.
    static func refreshSensitiveFlags(above id: Audience.ID, on db: any SQLDatabase) async throws {
        var pending = [id]
        var seen = Set<Audience.ID>()
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            let attributes = try await AttributeStore.all(on: db)
            let rows = try await db.raw("SELECT a.* FROM audience_references r JOIN audiences a ON a.id = r.audience_id WHERE r.target_id = \(bind: next)").all()
            for audience in try rows.map(Self.audience) {
                guard let text = audience.rule else { continue }
                let rule = try RuleParser.parse(text, attributes: attributes)
                let saved = try await definitions(for: rule, includeMembers: false, on: db)
                let sensitive = rule.fields.contains(where: \.sensitive) || saved.byKey.values.contains { entry in
                    if case .rule(let inner) = entry.definition { return inner.fields.contains(where: \.sensitive) }
                    return false
                }
                if sensitive != audience.usesSensitiveFields {
                    try await db.raw("UPDATE audiences SET uses_sensitive = \(bind: sensitive) WHERE id = \(bind: audience.id)").run()
                }
                pending.append(audience.id)
            }
        }
    }

    static func key(_ name: String) -> String { name.trimmed.lowercased() }

    /// Saved audiences whose current rule reads the custom attribute `name`.
    public func users(ofAttribute name: String) async throws -> [String] {
        let field = AttributeDefinition.prefix + name
        let attributes = try await AttributeStore.all(on: database.reader)
        let rows = try await database.reader.raw("""
            SELECT * FROM audiences WHERE rule_text LIKE \(bind: database.dialect.likeContaining(field)) ORDER BY name_key
            """).all()
        return try rows.map(Self.audience).filter { audience in
            // `_` in the name is a LIKE wildcard, so the query may over-select; parsing decides.
            guard let text = audience.rule else { return false }
            guard let rule = try? RuleParser.parse(text, attributes: attributes) else { return text.contains(field) }
            return rule.fields.contains { $0.name == field }
        }.map(\.name)
    }

    static func audience(_ row: any SQLRow) throws -> Audience {
        Audience(
            id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String.self),
            kind: Audience.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .rule,
            rule: try row.decode(column: "rule_text", as: String?.self), listSize: try row.decode(column: "list_size", as: Int64?.self).map(Int.init),
            version: Int(try row.decode(column: "version", as: Int64.self)), usesSensitiveFields: try row.decode(column: "uses_sensitive", as: Bool.self),
            updatedBy: try row.decode(column: "updated_by", as: String.self), updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
    }
}

/// Saved audiences loaded for one rule, with a resolver for the compiler and evaluator.
public struct SavedDefinitions: Sendable {
    public var byKey: [String: (audience: Audience, definition: AudienceDefinition)] = [:]

    public var resolve: @Sendable (String) throws -> AudienceDefinition {
        let table = byKey
        return { name in
            guard let entry = table[AudienceStore.key(name)] else { throw AppError.invalid("rule", "There is no saved audience named \"\(name)\".") }
            return entry.definition
        }
    }

    /// Whether any rule reads HR-only fields once every reference is followed.
    public func usesSensitive(_ rule: Rule) -> Bool {
        rule.fields.contains(where: \.sensitive) || byKey.values.contains { entry in
            if case .rule(let inner) = entry.definition { return inner.fields.contains(where: \.sensitive) }
            return false
        }
    }

    /// Fields that pick out one person. Combined with an audience that selects on pay, HCE or
    /// benefits they would let a non-HR caller learn, by comparing two counts, whether that
    /// person is in the HR-only group; such rules are refused for non-HR callers.
    static let identifying: Set<String> = ["employee_id", "given_name", "family_name", "work_email", "mobile_phone", "manager_id"]

    public func refusesForNonHR(_ rule: Rule) -> AppError? {
        guard usesSensitive(rule) else { return nil }
        let fields = rule.fields + byKey.values.flatMap { entry -> [RuleField] in
            if case .rule(let inner) = entry.definition { return inner.fields }
            return []
        }
        guard let field = fields.first(where: { Self.identifying.contains($0.name) }) else { return nil }
        return AppError(.forbidden, code: "identifying_field",
                        message: "This rule uses an audience chosen on HR-only fields, so it cannot also pick out people by \(field.name). Ask HR, or target a larger group.",
                        field: "rule")
    }

    /// A saved audience that (through others) refers back to itself, if any.
    func loopingName(from rule: Rule) -> String? {
        for (key, entry) in byKey {
            var stack = [key]
            var seen = Set<String>()
            while let next = stack.popLast() {
                guard case .rule(let inner)? = byKey[next]?.definition else { continue }
                for name in inner.audienceNames.map(AudienceStore.key) {
                    if name == key { return entry.audience.name.lowercased() }
                    if seen.insert(name).inserted { stack.append(name) }
                }
            }
        }
        return nil
    }
}
