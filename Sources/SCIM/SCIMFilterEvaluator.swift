/// Evaluates a filter on a rendered resource, in memory. It is the reference meaning of a
/// filter: `SCIMFilterCompiler` must select exactly the users this accepts (a property test
/// checks it on both databases). Text compares by UTF-8 bytes, as SQLite and PostgreSQL's
/// "C" collation do; attributes that are not caseExact are lower-cased first.
public struct SCIMFilterEvaluator: Sendable {
    let schema: SCIMResourceSchema

    public init(schema: SCIMResourceSchema) {
        self.schema = schema
    }

    public func matches(_ filter: SCIMFilter, _ resource: SCIMNode) -> Bool {
        evaluate(filter, resource, element: nil)
    }

    func evaluate(_ filter: SCIMFilter, _ resource: SCIMNode, element: SCIMNode?) -> Bool {
        switch filter {
        case .and(let a, let b): return evaluate(a, resource, element: element) && evaluate(b, resource, element: element)
        case .or(let a, let b): return evaluate(a, resource, element: element) || evaluate(b, resource, element: element)
        case .not(let inner): return !evaluate(inner, resource, element: element)
        case .present(let path): return values(path, resource, element: element).contains(where: Self.isPresent)
        case .valuePath(let path, let inner):
            return elements(path, resource).contains { evaluate(inner, resource, element: $0) }
        case .compare(let path, let op, let literal):
            let found = values(path, resource, element: element).filter { !$0.isNull }
            switch (op, literal) {
            case (.eq, .null): return found.isEmpty
            case (.ne, .null): return !found.isEmpty
            case (.ne, _): return !found.contains { compare($0, .eq, literal, path) }
            default: return found.contains { compare($0, op, literal, path) }
            }
        }
    }

    static func isPresent(_ value: SCIMNode) -> Bool {
        switch value {
        case .null: false
        case .string(let text): !text.isEmpty
        case .array(let list): !list.isEmpty
        case .object(let pairs): !pairs.isEmpty
        default: true
        }
    }

    /// The elements of a multi-valued (or the one value of a single) complex attribute.
    func elements(_ path: SCIMPath, _ resource: SCIMNode) -> [SCIMNode] {
        let container = path.schema == schema.core.id ? resource : resource[path.schema]
        guard let value = container?[path.attribute] else { return [] }
        return value.array ?? [value]
    }

    func values(_ path: SCIMPath, _ resource: SCIMNode, element: SCIMNode?) -> [SCIMNode] {
        if let element, let sub = path.subAttribute { return element[sub].map { [$0] } ?? [] }
        let found = elements(path, resource)
        guard let sub = path.subAttribute else { return found }
        return found.compactMap { $0[sub] }
    }

    func attribute(_ path: SCIMPath) -> SCIMAttribute? {
        guard let parent = schema.parent(of: path) else { return nil }
        return path.subAttribute.map { parent.sub($0) } ?? parent
    }

    func compare(_ value: SCIMNode, _ op: SCIMCompareOp, _ literal: SCIMLiteral, _ path: SCIMPath) -> Bool {
        let definition = attribute(path)
        switch (value, literal) {
        case (.bool(let a), .bool(let b)): return op == .eq ? a == b : op == .ne ? a != b : false
        case (.number(let a), .number(let b)): return Self.order(op, a == b, a < b)
        case (.string(let a), .string(let b)) where definition?.kind == .dateTime:
            guard let x = SCIMDate.parse(a), let y = SCIMDate.parse(b) else { return false }
            return Self.order(op, x == y, x < y)
        case (.string(let a), .string(let b)):
            let exact = definition?.caseExact ?? false
            let x = exact ? a : a.lowercased(), y = exact ? b : b.lowercased()
            switch op {
            case .co: return y.isEmpty || x.contains(y)
            case .sw: return x.hasPrefix(y)
            case .ew: return x.hasSuffix(y)
            default: return Self.order(op, Array(x.utf8) == Array(y.utf8), Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)))
            }
        default: return false
        }
    }

    static func order(_ op: SCIMCompareOp, _ equal: Bool, _ less: Bool) -> Bool {
        switch op {
        case .eq: equal
        case .ne: !equal
        case .gt: !equal && !less
        case .ge: !less
        case .lt: less
        case .le: less || equal
        case .co, .sw, .ew: false
        }
    }
}
