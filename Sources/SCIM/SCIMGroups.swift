public import Audit
import Foundation
public import TandemCore

/// The Group operations, independent of HTTP. Groups are few, so lists are filtered and
/// sorted in memory with the reference evaluator.
public struct SCIMGroups: Sendable {
    public let store: SCIMGroupStore
    public let baseURL: String
    let resource = SCIMGroupSchema.resource

    public init(store: SCIMGroupStore, baseURL: String) {
        self.store = store
        self.baseURL = baseURL
    }

    public func render(_ group: SCIMGroup) -> SCIMNode { SCIMGroupMapping.node(group, baseURL: baseURL) }

    public func get(id: String) async throws -> SCIMGroup {
        guard let group = try await store.find(id: id) else { throw SCIMError.notFound("Group", id) }
        return group
    }

    public func create(_ body: SCIMNode, by actor: AuditActor) async throws -> SCIMGroup {
        try await store.create(try SCIMGroupMapping.read(body, mode: .create), by: actor)
    }

    public func replace(id: String, _ body: SCIMNode, ifMatch: String?, by actor: AuditActor) async throws -> SCIMGroup {
        let input = try SCIMGroupMapping.read(body, mode: .replace(id: id))
        return try await store.update(id: id, ifMatch: ifMatch, action: "scim.group.replace", by: actor) { _ in input }
    }

    public func patch(id: String, _ body: SCIMNode, ifMatch: String?, by actor: AuditActor) async throws -> SCIMGroup {
        let operations = try SCIMPatchRequest.parse(body, resource: resource)
        return try await store.update(id: id, ifMatch: ifMatch, action: "scim.group.patch", by: actor) { current in
            try SCIMGroupPatch.apply(operations, to: current)
        }
    }

    public func delete(id: String, ifMatch: String?, by actor: AuditActor) async throws {
        try await store.delete(id: id, ifMatch: ifMatch, by: actor)
    }

    public func list(_ query: SCIMListQuery) async throws -> (total: Int, resources: [SCIMNode]) {
        let evaluator = SCIMFilterEvaluator(schema: resource)
        var rendered = try await store.all().map(render)
        if let filter = query.filter { rendered = rendered.filter { evaluator.matches(filter, $0) } }
        if let sortBy = query.sortBy {
            let keyed = rendered.enumerated().map { (index: $0.offset, key: SCIMUsers.sortKey(sortBy, $0.element, evaluator), node: $0.element) }
            rendered = keyed.sorted { a, b in SCIMUsers.precedes(a.key, b.key, descending: query.descending) ?? (a.index < b.index) }.map(\.node)
        }
        let start = min(query.startIndex - 1, rendered.count)
        return (rendered.count, Array(rendered[start...].prefix(query.count)))
    }
}
