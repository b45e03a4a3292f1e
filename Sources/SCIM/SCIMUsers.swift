public import Audit
import Foundation
public import People
public import TandemCore

/// The User operations, independent of HTTP: handlers only read the request and write the
/// response. Filtering and sorting run in SQL when every attribute has a column and otherwise
/// in memory over the rendered users, with the same meaning either way.
public struct SCIMUsers: Sendable {
    public let store: SCIMStore
    public let baseURL: String
    let resource = SCIMUserSchema.resource

    public init(store: SCIMStore, baseURL: String) {
        self.store = store
        self.baseURL = baseURL
    }

    public func render(_ user: SCIMUser, today: String = EmployeeRules.today()) -> SCIMNode {
        SCIMUserRenderer.node(user, baseURL: baseURL, today: today)
    }

    public func get(id: String) async throws -> SCIMUser {
        guard let user = try await store.find(id: id) else { throw SCIMError.notFound("User", id) }
        return user
    }

    public func create(_ body: SCIMNode, by actor: AuditActor) async throws -> SCIMUser {
        try await store.create(try SCIMUserReader.read(body, mode: .create), by: actor)
    }

    public func replace(id: String, _ body: SCIMNode, ifMatch: String?, by actor: AuditActor) async throws -> SCIMUser {
        let input = try SCIMUserReader.read(body, mode: .replace(id: id))
        return try await store.update(id: id, ifMatch: ifMatch, action: "scim.user.replace", by: actor) { _ in input }
    }

    public func patch(id: String, _ body: SCIMNode, ifMatch: String?, by actor: AuditActor) async throws -> SCIMUser {
        let operations = try SCIMPatchRequest.parse(body, resource: resource)
        let engine = SCIMPatchEngine(resource: resource)
        let baseURL = baseURL
        return try await store.update(id: id, ifMatch: ifMatch, action: "scim.user.patch", by: actor) { current in
            let patched = try engine.apply(operations, to: SCIMUserRenderer.node(current, baseURL: baseURL, today: EmployeeRules.today()))
            return try SCIMUserReader.read(patched, mode: .replace(id: id))
        }
    }

    public func delete(id: String, ifMatch: String?, by actor: AuditActor) async throws {
        try await store.delete(id: id, ifMatch: ifMatch, by: actor)
    }

    /// A page of rendered users and the total that match.
    public func list(_ query: SCIMListQuery, today: String = EmployeeRules.today()) async throws -> (total: Int, resources: [SCIMNode]) {
        let compiler = SCIMFilterCompiler(dialect: store.dialect, today: today)
        let condition = query.filter.map(compiler.sql)
        let order = query.sortBy.map { compiler.order($0, descending: query.descending) }
        if condition.map({ $0 != nil }) ?? true, order.map({ $0 != nil }) ?? true {
            let page = try await store.page(where: condition ?? nil, order: order ?? nil, offset: query.startIndex - 1, limit: query.count)
            return (page.total, page.users.map { render($0, today: today) })
        }
        let evaluator = SCIMFilterEvaluator(schema: resource)
        var rendered = try await store.all().map { (id: $0.employee.id, node: render($0, today: today)) }
        if let filter = query.filter { rendered = rendered.filter { evaluator.matches(filter, $0.node) } }
        if let sortBy = query.sortBy {
            let keys = Dictionary(uniqueKeysWithValues: rendered.map { ($0.id, Self.sortKey(sortBy, $0.node, evaluator)) })
            rendered.sort { a, b in
                Self.precedes(keys[a.id]!, keys[b.id]!, descending: query.descending) ?? (a.id < b.id)
            }
        }
        let start = min(query.startIndex - 1, rendered.count)
        return (rendered.count, rendered[start...].prefix(query.count).map(\.node))
    }

    /// Sort keys compare as the SQL does: bytes of the lower-cased text (or exact text), or
    /// milliseconds for dates; a missing value is greater than any.
    enum SortKey: Equatable { case missing, bytes([UInt8]), number(Double) }

    static func sortKey(_ path: SCIMPath, _ node: SCIMNode, _ evaluator: SCIMFilterEvaluator) -> SortKey {
        guard let value = evaluator.values(path, node, element: nil).first(where: { !$0.isNull }) else { return .missing }
        let definition = evaluator.attribute(path)
        switch value {
        case .string(let text) where definition?.kind == .dateTime: return SCIMDate.parse(text).map { .number(Double($0)) } ?? .missing
        case .string(let text): return .bytes(Array(((definition?.caseExact ?? false) ? text : text.lowercased()).utf8))
        case .number(let number): return .number(number)
        case .bool(let flag): return .number(flag ? 1 : 0)
        default: return .missing
        }
    }

    /// nil when equal (ties then go by row id, ascending, as in SQL).
    static func precedes(_ a: SortKey, _ b: SortKey, descending: Bool) -> Bool? {
        guard a != b else { return nil }
        let less: Bool
        switch (a, b) {
        case (.missing, _): less = false
        case (_, .missing): less = true
        case (.bytes(let x), .bytes(let y)): less = x.lexicographicallyPrecedes(y)
        case (.number(let x), .number(let y)): less = x < y
        case (.number, .bytes): less = true
        case (.bytes, .number): less = false
        }
        return descending ? !less : less
    }
}
