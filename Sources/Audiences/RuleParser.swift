public import People
public import TandemCore

/// Parses the audience rule language. Errors say where and what was expected:
/// "line 1, column 23: expected a date after '>='".
///
///     rule      := or
///     or        := and ("or" and)*
///     and       := unary ("and" unary)*
///     unary     := "not" unary | "(" or ")" | "in" "audience" STRING | condition
///     condition := FIELD [ op value | ["not"] "in" "(" value ("," value)* ")" | "contains" STRING
///                  | "starts" "with" STRING | "is" ["not"] "empty" ]
///     value     := STRING | NUMBER | DATE | "true" | "false" | "today" [("+"|"-") N("d"|"w"|"m"|"y")]
public struct RuleParser {
    struct Token: Equatable {
        enum Kind: Equatable { case word, string, number, date, duration, symbol, end }
        let kind: Kind
        let text: String
        let line: Int
        let column: Int
    }

    public static let maximumLength = 10_000
    private var tokens: [Token] = []
    private var position = 0
    private var attributes: [AttributeDefinition] = []

    /// `attributes` are the defined custom attributes, which type `attr.NAME` fields.
    public static func parse(_ source: String, attributes: [AttributeDefinition] = []) throws -> Rule {
        guard source.count <= maximumLength else { throw AppError.invalid("rule", "The rule is longer than \(maximumLength) characters.") }
        var parser = RuleParser()
        parser.attributes = attributes
        parser.tokens = try tokenize(source)
        if parser.tokens.count == 1 { throw AppError.invalid("rule", "The rule is empty. Write a condition such as country = \"US\".") }
        let rule = try parser.parseOr(depth: 0)
        guard parser.peek.kind == .end else { throw parser.error("expected 'and', 'or' or the end of the rule", at: parser.peek) }
        return rule
    }

    // MARK: tokens

    static func tokenize(_ source: String) throws -> [Token] {
        var tokens: [Token] = []
        let characters = Array(source)
        var index = 0, line = 1, column = 1
        func fail(_ message: String) -> AppError { AppError.invalid("rule", "line \(line), column \(column): \(message)") }
        while index < characters.count {
            let c = characters[index]
            if c == "\n" { index += 1; line += 1; column = 1; continue }
            if c.isWhitespace { index += 1; column += 1; continue }
            let (startLine, startColumn) = (line, column)
            func take(_ kind: Token.Kind, _ text: String, length: Int) {
                tokens.append(Token(kind: kind, text: text, line: startLine, column: startColumn))
                index += length
                column += length
            }
            if c == "\"" || c == "'" {
                var text = "", end = index + 1, closed = false
                while end < characters.count {
                    let d = characters[end]
                    if d == "\\", end + 1 < characters.count { text.append(characters[end + 1]); end += 2; continue }
                    if d == c { closed = true; break }
                    if d == "\n" { break }
                    text.append(d)
                    end += 1
                }
                guard closed else { throw fail("this text has no closing \(c)") }
                take(.string, text, length: end + 1 - index)
            } else if c.isNumber || (c == "-" && index + 1 < characters.count && characters[index + 1].isNumber && (tokens.last.map { $0.kind == .symbol && $0.text != ")" } ?? true)) {
                var end = index + 1
                while end < characters.count, characters[end].isNumber || characters[end] == "." || characters[end] == "-" || characters[end].isLetter { end += 1 }
                let text = String(characters[index..<end])
                if text.count == 10, text.split(separator: "-").count == 3, !text.hasPrefix("-") {
                    take(.date, text, length: end - index)
                } else if let unit = text.last, "dwmy".contains(unit), Int(text.dropLast()) != nil {
                    take(.duration, text, length: end - index)
                } else if Double(text) != nil, !text.contains(where: \.isLetter) {
                    take(.number, text, length: end - index)
                } else if text.first?.isNumber == true, text.contains(where: \.isLetter) {
                    throw fail("'\(text)' is not a number, date (YYYY-MM-DD) or duration (90d, 2w, 6m, 1y)")
                } else {
                    throw fail("'\(text)' is not a number")
                }
            } else if c.isLetter || c == "_" {
                var end = index + 1
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" || characters[end] == "." { end += 1 }
                take(.word, String(characters[index..<end]), length: end - index)
            } else if ["<=", ">=", "!="].contains(String(characters[index..<min(index + 2, characters.count)])) {
                take(.symbol, String(characters[index..<index + 2]), length: 2)
            } else if "=<>(),+-".contains(c) {
                take(.symbol, String(c), length: 1)
            } else {
                throw fail("unexpected '\(c)'")
            }
        }
        tokens.append(Token(kind: .end, text: "", line: line, column: column))
        return tokens
    }

    // MARK: grammar

    private var peek: Token { tokens[position] }

    private mutating func next() -> Token {
        defer { position = min(position + 1, tokens.count - 1) }
        return tokens[position]
    }

    private func isWord(_ word: String, _ token: Token? = nil) -> Bool {
        let token = token ?? peek
        return token.kind == .word && token.text.lowercased() == word
    }

    private mutating func expectWord(_ word: String, after: String) throws {
        guard isWord(word) else { throw error("expected '\(word)' after '\(after)'", at: peek) }
        _ = next()
    }

    func error(_ message: String, at token: Token) -> AppError {
        let found = token.kind == .end ? "the end of the rule" : "'\(token.text)'"
        return AppError.invalid("rule", "line \(token.line), column \(token.column): \(message), found \(found).")
    }

    private mutating func parseOr(depth: Int) throws -> Rule {
        var parts = [try parseAnd(depth: depth)]
        while isWord("or") { _ = next(); parts.append(try parseAnd(depth: depth)) }
        return parts.count == 1 ? parts[0] : .any(parts)
    }

    private mutating func parseAnd(depth: Int) throws -> Rule {
        var parts = [try parseUnary(depth: depth)]
        while isWord("and") { _ = next(); parts.append(try parseUnary(depth: depth)) }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private mutating func parseUnary(depth: Int) throws -> Rule {
        guard depth < 50 else { throw error("the rule nests too deeply", at: peek) }
        if isWord("not") { _ = next(); return .not(try parseUnary(depth: depth + 1)) }
        if peek.kind == .symbol && peek.text == "(" {
            _ = next()
            let inner = try parseOr(depth: depth + 1)
            guard peek.kind == .symbol && peek.text == ")" else { throw error("expected ')'", at: peek) }
            _ = next()
            return inner
        }
        if isWord("in") {
            _ = next()
            try expectWord("audience", after: "in")
            guard peek.kind == .string else { throw error("expected the audience's name in quotes after 'in audience'", at: peek) }
            return .inAudience(next().text)
        }
        return try parseCondition()
    }

    private mutating func parseCondition() throws -> Rule {
        let fieldToken = next()
        guard fieldToken.kind == .word else { throw error("expected a field name such as country or hire_date", at: fieldToken) }
        guard let field = RuleField.named(fieldToken.text, attributes: attributes) else {
            let at = "line \(fieldToken.line), column \(fieldToken.column)"
            if fieldToken.text.hasPrefix(AttributeDefinition.prefix) {
                let defined = attributes.filter { !$0.sensitive }.map(\.fieldName)
                throw AppError.invalid("rule", "\(at): there is no custom attribute '\(fieldToken.text.prefix(60))'. "
                    + (defined.isEmpty ? "None is defined yet (People → Attributes)." : "Defined: \(defined.joined(separator: ", "))."))
            }
            throw AppError.invalid("rule", "\(at): unknown field '\(fieldToken.text.prefix(60))'. Fields: \(RuleField.columns.map(\.name).joined(separator: ", ")), benefits.PLAN.enrolled, benefits.PLAN.deferral_percent"
                + attributes.filter { !$0.sensitive }.map { ", " + $0.fieldName }.joined() + ".")
        }
        let op = peek
        if op.kind == .symbol, let comparison = Comparison(rawValue: op.text) {
            _ = next()
            if [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(comparison), field.kind == .text || field.kind == .boolean {
                throw error("'\(op.text)' compares numbers and dates, and \(field.name) is \(field.kind.rawValue)", at: op)
            }
            return .compare(field, comparison, try parseValue(for: field, after: op.text))
        }
        if isWord("in") || (isWord("not") && isWord("in", tokens[min(position + 1, tokens.count - 1)])) {
            let negated = isWord("not")
            if negated { _ = next() }
            _ = next()
            guard peek.kind == .symbol && peek.text == "(" else { throw error("expected '(' to start the list after 'in'", at: peek) }
            _ = next()
            var values = [try parseValue(for: field, after: "(")]
            while peek.kind == .symbol && peek.text == "," { _ = next(); values.append(try parseValue(for: field, after: ",")) }
            guard peek.kind == .symbol && peek.text == ")" else { throw error("expected ',' or ')' in the list", at: peek) }
            _ = next()
            // A boolean list means "equals any of": written as comparisons so a missing benefit
            // record (not enrolled) is handled the same way as `=`.
            let list: Rule = field.kind == .boolean ? .any(values.map { .compare(field, .equal, $0) }) : .oneOf(field, values)
            return negated ? .not(list) : list
        }
        if isWord("contains") || isWord("starts") {
            let word = next()
            if word.text.lowercased() == "starts" { try expectWord("with", after: "starts") }
            guard field.kind == .text else { throw error("'\(word.text)' works on text, and \(field.name) is \(field.kind.rawValue)", at: word) }
            guard peek.kind == .string else { throw error("expected text in quotes after '\(word.text.lowercased() == "starts" ? "starts with" : "contains")'", at: peek) }
            let value = next().text
            return word.text.lowercased() == "starts" ? .startsWith(field, value) : .contains(field, value)
        }
        if isWord("is") {
            _ = next()
            let negated = isWord("not")
            if negated { _ = next() }
            try expectWord("empty", after: negated ? "is not" : "is")
            return negated ? .not(.isEmpty(field)) : .isEmpty(field)
        }
        guard field.kind == .boolean else {
            throw error("expected an operator (=, !=, <, <=, >, >=, in, not in, contains, starts with, is empty) after \(field.name)", at: op)
        }
        return .isTrue(field)
    }

    private mutating func parseValue(for field: RuleField, after: String) throws -> RuleValue {
        let token = next()
        switch field.kind {
        case .text:
            guard token.kind == .string else { throw error("expected text in quotes after '\(after)'", at: token) }
            if field.name == "status", !["active", "leaver"].contains(token.text) {
                throw AppError.invalid("rule", "line \(token.line), column \(token.column): status is \"active\" or \"leaver\".")
            }
            // A list attribute's value must be one of its options (as spelled there), or it could never match.
            if let attribute = attributes.first(where: { $0.fieldName == field.name }), attribute.kind == .list, !attribute.options.contains(token.text) {
                throw AppError.invalid("rule", "line \(token.line), column \(token.column): \(field.name) is one of \(attribute.options.map { "\"\($0)\"" }.joined(separator: ", ")).")
            }
            return .text(token.text)
        case .number:
            guard token.kind == .number, let number = Double(token.text) else { throw error("expected a number after '\(after)'", at: token) }
            return .number(number)
        case .boolean:
            guard isWord("true", token) || isWord("false", token) else { throw error("expected true or false after '\(after)'", at: token) }
            return .boolean(isWord("true", token))
        case .date:
            if token.kind == .date {
                do { _ = try DateRules.day(token.text) } catch {
                    throw AppError.invalid("rule", "line \(token.line), column \(token.column): \(token.text) is not a real date.")
                }
                return .date(token.text)
            }
            guard isWord("today", token) else { throw error("expected a date after '\(after)' (YYYY-MM-DD or today - 90d)", at: token) }
            guard peek.kind == .symbol, peek.text == "+" || peek.text == "-" else { return .relativeDate(amount: 0, unit: .d) }
            let sign = next().text == "-" ? -1 : 1
            let duration = next()
            guard duration.kind == .duration, let amount = Int(duration.text.dropLast()), let unit = DateUnit(rawValue: String(duration.text.last!)), amount <= 100_000 else {
                throw error("expected a duration such as 90d, 2w, 6m or 1y after 'today \(sign < 0 ? "-" : "+")'", at: duration)
            }
            return .relativeDate(amount: sign * amount, unit: unit)
        }
    }
}
