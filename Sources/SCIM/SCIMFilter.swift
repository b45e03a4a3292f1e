public import TandemCore

/// A parsed filter (RFC 7644 §3.4.2.2). Attribute paths are already resolved against the
/// resource schema, so evaluation and SQL compilation never meet an unknown name.
public indirect enum SCIMFilter: Sendable, Equatable {
    case compare(SCIMPath, SCIMCompareOp, SCIMLiteral)
    case present(SCIMPath)
    case and(SCIMFilter, SCIMFilter)
    case or(SCIMFilter, SCIMFilter)
    case not(SCIMFilter)
    /// `emails[type eq "work" and value co "@x"]`: one element of a multi-valued attribute
    /// must satisfy the whole inner filter, whose paths name sub-attributes of `attribute`.
    case valuePath(SCIMPath, SCIMFilter)
}

public enum SCIMCompareOp: String, Sendable, CaseIterable {
    case eq, ne, co, sw, ew, gt, ge, lt, le
}

public enum SCIMLiteral: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
}

/// Parses filters with the precedence of RFC 7644 §3.4.2.2 (`not` > `and` > `or`). Errors say
/// where (1-based character position) and what was expected, as `invalidFilter`.
public struct SCIMFilterParser: Sendable {
    let schema: SCIMResourceSchema
    /// Filters longer than this are refused before parsing (deep nesting costs stack).
    public static let maxLength = 2_000
    static let maxDepth = 50

    public init(schema: SCIMResourceSchema) {
        self.schema = schema
    }

    public func parse(_ text: String) throws -> SCIMFilter {
        guard text.count <= Self.maxLength else { throw SCIMError.invalidFilter("The filter is longer than \(Self.maxLength) characters.") }
        var state = State(tokens: try SCIMFilterLexer.tokens(text), end: text.count + 1)
        guard state.peek != nil else { throw SCIMError.invalidFilter("The filter is empty; write for example userName eq \"ada@example.com\".") }
        let filter = try parseOr(&state, parent: nil, depth: 0)
        if let extra = state.peek {
            throw SCIMError.invalidFilter("At position \(extra.position): expected 'and', 'or' or the end of the filter, found \(extra.shown).")
        }
        return filter
    }

    /// The filter inside a PATCH path's brackets: names are sub-attributes of `parent`.
    public func parse(_ text: String, parent: (SCIMPath, SCIMAttribute)) throws -> SCIMFilter {
        guard text.count <= Self.maxLength else { throw SCIMError.invalidFilter("The filter is longer than \(Self.maxLength) characters.") }
        var state = State(tokens: try SCIMFilterLexer.tokens(text), end: text.count + 1)
        let filter = try parseOr(&state, parent: parent, depth: 0)
        if let extra = state.peek {
            throw SCIMError.invalidFilter("At position \(extra.position): expected 'and', 'or' or ']', found \(extra.shown).")
        }
        return filter
    }

    struct State {
        let tokens: [SCIMFilterLexer.Token]
        let end: Int
        var index = 0
        var peek: SCIMFilterLexer.Token? { index < tokens.count ? tokens[index] : nil }
        mutating func next() -> SCIMFilterLexer.Token? {
            defer { index += 1 }
            return peek
        }
        func found() -> String { peek?.shown ?? "the end of the filter" }
        var position: Int { peek?.position ?? end }
    }

    func parseOr(_ state: inout State, parent: (SCIMPath, SCIMAttribute)?, depth: Int) throws -> SCIMFilter {
        var left = try parseAnd(&state, parent: parent, depth: depth)
        while state.peek?.isWord("or") == true {
            _ = state.next()
            left = .or(left, try parseAnd(&state, parent: parent, depth: depth))
        }
        return left
    }

    func parseAnd(_ state: inout State, parent: (SCIMPath, SCIMAttribute)?, depth: Int) throws -> SCIMFilter {
        var left = try parseUnary(&state, parent: parent, depth: depth)
        while state.peek?.isWord("and") == true {
            _ = state.next()
            left = .and(left, try parseUnary(&state, parent: parent, depth: depth))
        }
        return left
    }

    func parseUnary(_ state: inout State, parent: (SCIMPath, SCIMAttribute)?, depth: Int) throws -> SCIMFilter {
        guard depth < Self.maxDepth else { throw SCIMError.invalidFilter("At position \(state.position): the filter nests more than \(Self.maxDepth) levels.") }
        if state.peek?.isWord("not") == true {
            _ = state.next()
            guard state.peek?.kind == .open else {
                throw SCIMError.invalidFilter("At position \(state.position): expected '(' after 'not', found \(state.found()).")
            }
            return .not(try parseGroup(&state, parent: parent, depth: depth))
        }
        if state.peek?.kind == .open { return try parseGroup(&state, parent: parent, depth: depth) }
        return try parseAttributeExpression(&state, parent: parent, depth: depth)
    }

    func parseGroup(_ state: inout State, parent: (SCIMPath, SCIMAttribute)?, depth: Int) throws -> SCIMFilter {
        _ = state.next()
        let inner = try parseOr(&state, parent: parent, depth: depth + 1)
        guard state.next()?.kind == .close else {
            state.index -= 1
            throw SCIMError.invalidFilter("At position \(state.position): expected ')', found \(state.found()).")
        }
        return inner
    }

    func parseAttributeExpression(_ state: inout State, parent: (SCIMPath, SCIMAttribute)?, depth: Int) throws -> SCIMFilter {
        guard let token = state.next(), token.kind == .word, !["and", "or", "not"].contains(token.text.lowercased()) else {
            state.index -= 1
            throw SCIMError.invalidFilter("At position \(state.position): expected an attribute name, '(' or 'not', found \(state.found()).")
        }
        let (path, attribute) = try resolve(token, parent: parent)
        if state.peek?.kind == .openBracket {
            guard parent == nil else { throw SCIMError.invalidFilter("At position \(state.position): a value filter '[…]' cannot be nested in another.") }
            guard attribute.kind == .complex, path.subAttribute == nil else {
                throw SCIMError.invalidFilter("At position \(state.position): '[…]' needs a complex attribute such as emails; \(path) is not one.")
            }
            _ = state.next()
            let inner = try parseOr(&state, parent: (path, attribute), depth: depth + 1)
            guard state.next()?.kind == .closeBracket else {
                state.index -= 1
                throw SCIMError.invalidFilter("At position \(state.position): expected ']', found \(state.found()).")
            }
            return .valuePath(path, inner)
        }
        guard let opToken = state.next(), opToken.kind == .word else {
            state.index -= 1
            throw SCIMError.invalidFilter("At position \(state.position): expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after \(token.text), found \(state.found()).")
        }
        if opToken.text.lowercased() == "pr" { return .present(path) }
        guard let op = SCIMCompareOp(rawValue: opToken.text.lowercased()) else {
            throw SCIMError.invalidFilter("At position \(opToken.position): expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr), found \(opToken.shown).")
        }
        // A complex attribute compared directly means its `value` (RFC 7644 §3.4.2.2).
        var target = (path, attribute)
        if attribute.kind == .complex {
            guard path.subAttribute == nil, let value = attribute.sub("value") else {
                throw SCIMError.invalidFilter("At position \(token.position): \(path) is complex; compare one of its sub-attributes instead.")
            }
            target = (SCIMPath(schema: path.schema, attribute: path.attribute, subAttribute: value.name), value)
        }
        guard let valueToken = state.next() else {
            throw SCIMError.invalidFilter("At position \(state.end): expected a value (a \"string\", number, true, false or null) after \(opToken.text), found the end of the filter.")
        }
        let literal = try SCIMFilterLexer.literal(valueToken)
        try check(op, literal, against: target.1, path: target.0, at: valueToken.position)
        return .compare(target.0, op, literal)
    }

    func resolve(_ token: SCIMFilterLexer.Token, parent: (SCIMPath, SCIMAttribute)?) throws -> (SCIMPath, SCIMAttribute) {
        if let parent {
            let (parentPath, parentAttribute) = parent
            guard let sub = parentAttribute.sub(token.text) else {
                throw SCIMError.invalidFilter("At position \(token.position): \(parentPath) has no sub-attribute '\(token.text.prefix(60))'. Known: \(parentAttribute.subAttributes.map(\.name).joined(separator: ", ")).")
            }
            return (SCIMPath(schema: parentPath.schema, attribute: parentPath.attribute, subAttribute: sub.name), sub)
        }
        guard let resolved = schema.resolve(token.text) else {
            throw SCIMError.invalidFilter("At position \(token.position): unknown attribute '\(token.text.prefix(80))'.")
        }
        return resolved
    }

    func check(_ op: SCIMCompareOp, _ literal: SCIMLiteral, against attribute: SCIMAttribute, path: SCIMPath, at position: Int) throws {
        func fail(_ what: String) -> AppError { SCIMError.invalidFilter("At position \(position): \(path) \(what).") }
        switch (attribute.kind, literal) {
        case (_, .null):
            guard op == .eq || op == .ne else { throw fail("can only be compared with null using eq or ne") }
        case (.boolean, .bool):
            guard op == .eq || op == .ne else { throw fail("is a boolean; use eq or ne") }
        case (.boolean, _): throw fail("is a boolean; compare it with true or false")
        case (.dateTime, .string(let text)):
            guard SCIMDate.parse(text) != nil else { throw fail("is a date; write it as \"2026-01-31T09:00:00Z\"") }
            guard ![.co, .sw, .ew].contains(op) else { throw fail("is a date; use eq, ne, gt, ge, lt or le") }
        case (.dateTime, _): throw fail("is a date; compare it with a quoted date such as \"2026-01-31T09:00:00Z\"")
        case (.decimal, .number), (.integer, .number):
            guard ![.co, .sw, .ew].contains(op) else { throw fail("is a number; use eq, ne, gt, ge, lt or le") }
        case (.decimal, _), (.integer, _): throw fail("is a number; compare it with a number")
        case (.string, .string), (.reference, .string): break
        case (.string, _), (.reference, _): throw fail("is a string; compare it with a \"quoted\" value")
        case (.complex, _): throw fail("is complex; compare one of its sub-attributes instead")
        }
    }
}
