public import Foundation

/// A metric in a KPI formula, with its filters: `reached{worker_type="frontline"}`.
public struct MetricReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public let name: String
    public let filters: [String: String]

    public init(name: String, filters: [String: String] = [:]) {
        self.name = name
        self.filters = filters
    }

    /// Canonical text: filters sorted by key, values escaped.
    public var description: String {
        guard !filters.isEmpty else { return name }
        let parts = filters.sorted { $0.key < $1.key }.map { key, value in
            key + "=\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return name + "{" + parts.joined(separator: ",") + "}"
    }
}

/// The metric names and filter keys a formula may use.
public struct KPIFormulaVocabulary: Sendable {
    public let metrics: Set<String>
    public let filterKeys: Set<String>
    public init(metrics: Set<String>, filterKeys: Set<String>) {
        self.metrics = metrics
        self.filterKeys = filterKeys
    }
}

/// Why a formula does not parse, and where (0-based character offset).
public struct KPIFormulaError: Error, Sendable, Equatable {
    public let message: String
    public let offset: Int
}

public enum KPIOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"

    var precedence: Int { self == .add || self == .subtract ? 1 : 2 }
}

public indirect enum KPIExpression: Sendable, Equatable {
    case number(Double), metric(MetricReference), negate(KPIExpression), binary(KPIOperator, KPIExpression, KPIExpression)
}

/// Why a formula has no value for a period.
public enum KPIEvaluationError: Error, Sendable, Equatable {
    case divisionByZero(String), missing(MetricReference), notFinite

    public var message: String {
        switch self {
        case .divisionByZero(let divisor): "The formula divides by \(divisor), which is 0 for this period, so there is no value."
        case .missing(let metric): "There is no figure for \(metric.description)."
        case .notFinite: "The formula's result is not a finite number."
        }
    }
}

/// Arithmetic (+ − × ÷, parentheses, unary minus) over numbers and metrics with filters.
/// Parsed once when a KPI is saved, so a mistake is reported at the edge with its place.
public struct KPIFormula: Sendable, Equatable {
    public let source: String
    public let expression: KPIExpression
    public static let maximumLength = 500
    static let maximumDepth = 50

    public init(parsing source: String, vocabulary: KPIFormulaVocabulary) throws(KPIFormulaError) {
        self.source = source
        guard source.count <= Self.maximumLength else {
            throw KPIFormulaError(message: "The formula has \(source.count) characters; the most is \(Self.maximumLength).", offset: Self.maximumLength)
        }
        var parser = Parser(Array(source), vocabulary: vocabulary)
        parser.skipSpace()
        guard !parser.atEnd else { throw KPIFormulaError(message: "Write a formula, e.g. reached / recipients.", offset: 0) }
        let expression = try parser.expression(depth: 0)
        parser.skipSpace()
        if !parser.atEnd {
            throw KPIFormulaError(message: "Unexpected \"\(parser.characters[parser.position])\" at character \(parser.position + 1); join terms with +, -, * or /.", offset: parser.position)
        }
        self.expression = expression
    }

    public var metrics: Set<MetricReference> {
        var found = Set<MetricReference>()
        func walk(_ e: KPIExpression) {
            switch e {
            case .number: break
            case .metric(let m): found.insert(m)
            case .negate(let inner): walk(inner)
            case .binary(_, let l, let r): walk(l); walk(r)
            }
        }
        walk(expression)
        return found
    }

    public var canonical: String { Self.print(expression) }

    static func print(_ e: KPIExpression, parent: Int = 0, rightSide: Bool = false) -> String {
        switch e {
        case .number(let value):
            return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .metric(let m):
            return m.description
        case .negate(let inner):
            let text = print(inner, parent: 3)
            return "-" + text
        case .binary(let op, let l, let r):
            let text = print(l, parent: op.precedence) + " " + op.rawValue + " " + print(r, parent: op.precedence, rightSide: true)
            // Parentheses only where precedence or left-to-right order needs them.
            let needs = op.precedence < parent || (op.precedence == parent && rightSide)
            return needs ? "(" + text + ")" : text
        }
    }

    public func evaluate(_ values: [MetricReference: Double]) throws(KPIEvaluationError) -> Double {
        let result = try Self.evaluate(expression, values)
        guard result.isFinite else { throw .notFinite }
        return result
    }

    static func evaluate(_ e: KPIExpression, _ values: [MetricReference: Double]) throws(KPIEvaluationError) -> Double {
        switch e {
        case .number(let value): return value
        case .metric(let m):
            guard let value = values[m] else { throw .missing(m) }
            return value
        case .negate(let inner): return -(try evaluate(inner, values))
        case .binary(let op, let l, let r):
            let left = try evaluate(l, values), right = try evaluate(r, values)
            switch op {
            case .add: return left + right
            case .subtract: return left - right
            case .multiply: return left * right
            case .divide:
                guard right != 0 else { throw .divisionByZero(print(r)) }
                return left / right
            }
        }
    }

    /// Recursive descent over characters; every error names its offset.
    struct Parser {
        let characters: [Character]
        let vocabulary: KPIFormulaVocabulary
        var position = 0

        init(_ characters: [Character], vocabulary: KPIFormulaVocabulary) {
            self.characters = characters
            self.vocabulary = vocabulary
        }

        var atEnd: Bool { position >= characters.count }
        var current: Character? { atEnd ? nil : characters[position] }

        mutating func skipSpace() {
            while let c = current, c.isWhitespace { position += 1 }
        }

        mutating func expression(depth: Int) throws(KPIFormulaError) -> KPIExpression {
            guard depth <= KPIFormula.maximumDepth else {
                throw KPIFormulaError(message: "The formula nests more than \(KPIFormula.maximumDepth) levels deep; simplify it.", offset: position)
            }
            var left = try term(depth: depth)
            while true {
                skipSpace()
                guard let c = current, c == "+" || c == "-" else { return left }
                let at = position
                position += 1
                let right = try operand(after: String(c), at: at) { (p: inout Parser) throws(KPIFormulaError) in try p.term(depth: depth) }
                left = .binary(c == "+" ? .add : .subtract, left, right)
            }
        }

        mutating func term(depth: Int) throws(KPIFormulaError) -> KPIExpression {
            var left = try unary(depth: depth)
            while true {
                skipSpace()
                guard let c = current, c == "*" || c == "/" else { return left }
                let at = position
                position += 1
                let right = try operand(after: String(c), at: at) { (p: inout Parser) throws(KPIFormulaError) in try p.unary(depth: depth) }
                if c == "/", right.metricsFree, let value = try? KPIFormula.evaluate(right, [:]), value == 0 {
                    throw KPIFormulaError(message: "The formula divides by zero at character \(at + 1): \"\(KPIFormula.print(right))\" is always 0.", offset: at)
                }
                left = .binary(c == "*" ? .multiply : .divide, left, right)
            }
        }

        mutating func operand(after op: String, at: Int, _ parse: (inout Parser) throws(KPIFormulaError) -> KPIExpression) throws(KPIFormulaError) -> KPIExpression {
            skipSpace()
            guard let c = current, c != ")" && c != "+" && c != "*" && c != "/" else {
                throw KPIFormulaError(message: "\"\(op)\" at character \(at + 1) expects a value after \"\(op)\": a number, a metric or a parenthesis.", offset: atEnd ? characters.count : position)
            }
            return try parse(&self)
        }

        mutating func unary(depth: Int) throws(KPIFormulaError) -> KPIExpression {
            skipSpace()
            if current == "-" {
                let at = position
                position += 1
                guard depth + 1 <= KPIFormula.maximumDepth else {
                    throw KPIFormulaError(message: "The formula nests more than \(KPIFormula.maximumDepth) levels deep; simplify it.", offset: at)
                }
                let inner = try operand(after: "-", at: at) { (p: inout Parser) throws(KPIFormulaError) in try p.unary(depth: depth + 1) }
                return .negate(inner)
            }
            return try primary(depth: depth)
        }

        mutating func primary(depth: Int) throws(KPIFormulaError) -> KPIExpression {
            skipSpace()
            guard let c = current else {
                throw KPIFormulaError(message: "The formula ends where a value is expected: a number, a metric or a parenthesis.", offset: characters.count)
            }
            if c == "(" {
                let open = position
                position += 1
                let inner = try expression(depth: depth + 1)
                skipSpace()
                guard current == ")" else {
                    throw KPIFormulaError(message: "The parenthesis opened at character \(open + 1) is not closed; add \")\".", offset: atEnd ? characters.count : position)
                }
                position += 1
                return inner
            }
            if c.isASCII && (c.isNumber || c == ".") { return .number(try number()) }
            if c.isASCII && c.isLetter { return .metric(try metric()) }
            throw KPIFormulaError(message: "Unexpected \"\(c)\" at character \(position + 1); expected a number, a metric or a parenthesis.", offset: position)
        }

        mutating func number() throws(KPIFormulaError) -> Double {
            let start = position
            var text = ""
            while let c = current, c.isASCII, c.isNumber || c == "." { text.append(c); position += 1 }
            if let c = current, c == "e" || c == "E" {
                var exponent = String(c)
                var look = position + 1
                if look < characters.count, characters[look] == "+" || characters[look] == "-" { exponent.append(characters[look]); look += 1 }
                var digits = ""
                while look < characters.count, characters[look].isASCII, characters[look].isNumber { digits.append(characters[look]); look += 1 }
                if !digits.isEmpty {
                    text += exponent + digits
                    position = look
                }
            }
            guard let value = Double(text), value.isFinite, text.first != "." || text.count > 1 else {
                throw KPIFormulaError(message: "\"\(text)\" at character \(start + 1) is not a number.", offset: start)
            }
            return value
        }

        mutating func identifier() -> String {
            var name = ""
            while let c = current, c.isASCII, c.isLetter || c.isNumber || c == "_" { name.append(c); position += 1 }
            return name
        }

        mutating func metric() throws(KPIFormulaError) -> MetricReference {
            let start = position
            let name = identifier()
            guard vocabulary.metrics.contains(name) else {
                throw KPIFormulaError(message: unknown("metric", name, vocabulary.metrics), offset: start)
            }
            skipSpace()
            guard current == "{" else { return MetricReference(name: name) }
            let open = position
            position += 1
            var filters: [String: String] = [:]
            skipSpace()
            if current == "}" { position += 1; return MetricReference(name: name) }
            while true {
                skipSpace()
                let keyAt = position
                let key = identifier()
                guard !key.isEmpty else {
                    if atEnd { throw KPIFormulaError(message: "The filters opened at character \(open + 1) are not closed; add \"}\".", offset: characters.count) }
                    throw KPIFormulaError(message: "Expected a filter name at character \(position + 1), e.g. country=\"BR\".", offset: position)
                }
                guard vocabulary.filterKeys.contains(key) else { throw KPIFormulaError(message: unknown("filter", key, vocabulary.filterKeys), offset: keyAt) }
                guard filters[key] == nil else { throw KPIFormulaError(message: "\(name) filters by \(key) twice; keep one.", offset: keyAt) }
                skipSpace()
                guard current == "=" else { throw KPIFormulaError(message: "Expected \"=\" after \(key) at character \(position + 1), e.g. \(key)=\"value\".", offset: min(position, characters.count)) }
                position += 1
                skipSpace()
                filters[key] = try string(for: key)
                skipSpace()
                if current == "," { position += 1; continue }
                if current == "}" { position += 1; break }
                if atEnd { throw KPIFormulaError(message: "The filters opened at character \(open + 1) are not closed; add \"}\".", offset: characters.count) }
                throw KPIFormulaError(message: "Unexpected \"\(current!)\" at character \(position + 1) in the filters; separate them with \",\" and close them with \"}\".", offset: position)
            }
            return MetricReference(name: name, filters: filters)
        }

        mutating func string(for key: String) throws(KPIFormulaError) -> String {
            let start = position
            guard current == "\"" else { throw KPIFormulaError(message: "The value of \(key) at character \(position + 1) must be in double quotes, e.g. \(key)=\"value\".", offset: min(position, characters.count)) }
            position += 1
            var value = ""
            while true {
                guard let c = current else { throw KPIFormulaError(message: "The text begun at character \(start + 1) is not closed; add a closing \".", offset: start) }
                position += 1
                if c == "\"" { break }
                if c == "\\" {
                    guard let next = current, next == "\"" || next == "\\" else {
                        throw KPIFormulaError(message: "Only \\\" and \\\\ may follow a backslash (character \(position)).", offset: position - 1)
                    }
                    value.append(next)
                    position += 1
                } else {
                    value.append(c)
                }
            }
            guard !value.isEmpty else { throw KPIFormulaError(message: "The value of \(key) at character \(start + 1) is empty.", offset: start) }
            guard value.count <= 100 else { throw KPIFormulaError(message: "The value of \(key) at character \(start + 1) is longer than 100 characters.", offset: start) }
            return value
        }

        func unknown(_ what: String, _ name: String, _ known: Set<String>) -> String {
            let list = known.sorted().joined(separator: ", ")
            let close = known.map { ($0, editDistance($0, name)) }.filter { $0.1 <= 2 }.min { ($0.1, $0.0) < ($1.1, $1.0) }
            let suggestion = close.map { "Did you mean \"\($0.0)\"? " } ?? ""
            return "Unknown \(what) \"\(name)\". \(suggestion)Use one of: \(list)."
        }
    }
}

extension KPIExpression {
    var metricsFree: Bool {
        switch self {
        case .number: true
        case .metric: false
        case .negate(let inner): inner.metricsFree
        case .binary(_, let l, let r): l.metricsFree && r.metricsFree
        }
    }
}

/// Levenshtein distance, for "did you mean".
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var row = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = row
    }
    return previous[b.count]
}
