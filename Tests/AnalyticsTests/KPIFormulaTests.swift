@testable import Analytics
import Testing

@Suite("KPI formulas")
struct KPIFormulaTests {
    static let vocabulary = KPIFormulaVocabulary(
        metrics: ["recipients", "delivered", "reached", "opened", "viewed", "read", "clicked", "reacted", "commented", "acknowledged", "acknowledged_24h", "shared",
                  "unsubscribed", "posts", "headcount"],
        filterKeys: ["country", "department", "site", "worker_type", "language", "channel", "campaign", "priority"])

    static func parse(_ text: String) throws(KPIFormulaError) -> KPIFormula { try KPIFormula(parsing: text, vocabulary: vocabulary) }

    static func error(_ text: String) -> KPIFormulaError? {
        do { _ = try parse(text); return nil } catch { return error }
    }

    @Test("formulas parse to the expected trees, with precedence and left-to-right order")
    func trees() throws {
        let frontline = MetricReference(name: "reached", filters: ["worker_type": "frontline"])
        #expect(try Self.parse(#"reached{worker_type="frontline"} / recipients{worker_type="frontline"}"#).expression
                == .binary(.divide, .metric(frontline), .metric(MetricReference(name: "recipients", filters: ["worker_type": "frontline"]))))
        #expect(try Self.parse("(read + clicked) / 2").expression
                == .binary(.divide, .binary(.add, .metric(.init(name: "read")), .metric(.init(name: "clicked"))), .number(2)))
        #expect(try Self.parse("-reached + 3.5e2").expression == .binary(.add, .negate(.metric(.init(name: "reached"))), .number(350)))
        let spaced = try Self.parse(" reached{country=\"BR\", channel=\"sms\"}\n/\trecipients{country = \"BR\",channel=\"sms\"} ")
        #expect(spaced.metrics == [MetricReference(name: "reached", filters: ["country": "BR", "channel": "sms"]),
                                   MetricReference(name: "recipients", filters: ["country": "BR", "channel": "sms"])])
        #expect(try Self.parse(#"acknowledged_24h{priority="critical"} / recipients{priority="critical"} * 100"#).evaluate([
            MetricReference(name: "acknowledged_24h", filters: ["priority": "critical"]): 30, MetricReference(name: "recipients", filters: ["priority": "critical"]): 120,
        ]) == 25)
        #expect(try Self.parse("8 / 4 / 2").evaluate([:]) == 1, "left to right")
        #expect(try Self.parse("2 + 3 * 4").evaluate([:]) == 14)
        #expect(try Self.parse("-2 * 3").evaluate([:]) == -6)
        #expect(try Self.parse("10 - 4 - 3").evaluate([:]) == 3)
        #expect(try Self.parse("2 * (3 + 4) - --1").evaluate([:]) == 13)
        #expect(try Self.parse(#"reached{site="Porto \"Norte\" \\ 2"}"#).metrics.first?.filters["site"] == #"Porto "Norte" \ 2"#)
        #expect(try Self.parse("reached{}").metrics.first == MetricReference(name: "reached"))
    }

    @Test("evaluation: values, division by zero with the divisor named, missing metrics")
    func evaluation() throws {
        let formula = try Self.parse(#"reached / recipients{worker_type="frontline"}"#)
        let divisor = MetricReference(name: "recipients", filters: ["worker_type": "frontline"])
        #expect(try formula.evaluate([MetricReference(name: "reached"): 41, divisor: 50]) == 0.82)
        #expect(throws: KPIEvaluationError.divisionByZero(#"recipients{worker_type="frontline"}"#)) {
            try formula.evaluate([MetricReference(name: "reached"): 41, divisor: 0])
        }
        #expect(KPIEvaluationError.divisionByZero("recipients").message.contains("which is 0 for this period"))
        #expect(throws: KPIEvaluationError.missing(divisor)) { try formula.evaluate([MetricReference(name: "reached"): 41]) }
        #expect(throws: KPIEvaluationError.divisionByZero("read - clicked")) {
            try Self.parse("posts / (read - clicked)").evaluate([.init(name: "posts"): 3, .init(name: "read"): 2, .init(name: "clicked"): 2])
        }
        #expect(throws: KPIEvaluationError.notFinite) { try Self.parse("read * 1e308 * 10").evaluate([.init(name: "read"): 5]) }
    }

    @Test("errors say what is wrong and where", arguments: [
        ("", 0, "Write a formula"),
        ("   ", 0, "Write a formula"),
        ("reachd / recipients", 0, "Did you mean \"reached\""),
        ("reached / recipents", 10, "Did you mean \"recipients\""),
        ("salary", 0, "Unknown metric \"salary\". Use one of: acknowledged, acknowledged_24h, clicked"),
        (#"reached{contry="BR"}"#, 8, "Did you mean \"country\""),
        (#"reached{country="BR",country="DE"}"#, 21, "filters by country twice"),
        (#"reached{country="BR}"#, 16, "not closed"),
        (#"reached{country="BR""#, 20, "not closed"),
        (#"reached{country=BR}"#, 16, "double quotes"),
        (#"reached{country=""}"#, 16, "is empty"),
        ("(reached / recipients", 21, "not closed"),
        ("reached / recipients)", 20, "Unexpected \")\" at character 21"),
        ("reached /", 9, "expects a value after \"/\""),
        ("reached + * 2", 10, "expects a value after \"+\""),
        ("reached # 2", 8, "Unexpected \"#\""),
        ("reached / 0", 8, "divides by zero"),
        ("reached / (2 - 2)", 8, "divides by zero"),
        ("1.2.3", 0, "is not a number"),
        ("reached recipients", 8, "Unexpected \"r\""),
        (#"reached{country="BR\x"}"#, 19, "backslash"),
    ] as [(String, Int, String)])
    func errors(text: String, offset: Int, words: String) {
        let error = Self.error(text)
        #expect(error?.offset == offset, "\(text): \(String(describing: error))")
        #expect(error?.message.contains(words) == true, "\(text): \(error?.message ?? "parsed")")
    }

    @Test("limits: length, filter values, nesting")
    func limits() {
        #expect(Self.error(String(repeating: "read + ", count: 80) + "read")?.message.contains("the most is 500") == true)
        #expect(Self.error(#"reached{site=""# + String(repeating: "x", count: 101) + #""}"#)?.message.contains("longer than 100") == true)
        #expect(Self.error(String(repeating: "(", count: 60) + "read" + String(repeating: ")", count: 60))?.message.contains("nests more than 50") == true)
        #expect(Self.error(String(repeating: "-", count: 60) + "read")?.message.contains("nests more than 50") == true)
        #expect(Self.error(String(repeating: "(", count: 40) + "read" + String(repeating: ")", count: 40)) == nil)
    }

    @Test("canonical text parses back to the same formula, for written and random trees")
    func roundTrip() throws {
        for text in ["a", "(read + clicked) / 2", "8 / (4 / 2)", "8 / 4 / 2", "2 - (3 - 4)", "-(read + 1) * 2", #"reached{site="a\"b",country="BR"} / 2.5"#, "--read"] {
            guard let formula = try? Self.parse(text) else { continue }
            #expect(try Self.parse(formula.canonical).expression == formula.expression, "\(text) → \(formula.canonical)")
        }
        var random = SeededGenerator(state: 42)
        let metrics = ["reached", "read", "recipients", "posts"]
        func tree(_ depth: Int) -> KPIExpression {
            switch depth == 0 ? Int.random(in: 0...1, using: &random) : Int.random(in: 0...4, using: &random) {
            case 0: return .number(Double(Int.random(in: 1...500, using: &random)) / (Bool.random(using: &random) ? 1 : 4))
            case 1:
                let filters = Bool.random(using: &random) ? [:] : ["country": ["BR", "DE", "a \"q\""].randomElement(using: &random)!]
                return .metric(MetricReference(name: metrics.randomElement(using: &random)!, filters: filters))
            case 2: return .negate(tree(depth - 1))
            default:
                let ops: [KPIOperator] = [.add, .subtract, .multiply, .divide]
                return .binary(ops.randomElement(using: &random)!, tree(depth - 1), .metric(MetricReference(name: "recipients")))
            }
        }
        for _ in 0..<400 {
            let expression: KPIExpression = .binary([KPIOperator.add, .subtract, .multiply].randomElement(using: &random)!, tree(4), tree(4))
            let text = KPIFormula.print(expression)
            let parsed = try Self.parse(text)
            #expect(parsed.expression == expression, "\(text)")
        }
    }

    @Test("random input never crashes the parser; errors point inside the text")
    func fuzz() {
        var random = SeededGenerator(state: 7)
        let alphabet = Array("reachdtpostsdivy_{}()=\",+-*/ .0123456789e\\\n")
        var parsed = 0
        for _ in 0..<4_000 {
            let text = String((0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            do {
                _ = try Self.parse(text)
                parsed += 1
            } catch {
                #expect(error.offset >= 0 && error.offset <= text.count, "\(text): offset \(error.offset)")
                #expect(!error.message.isEmpty)
            }
        }
        #expect(parsed > 0, "some random strings are formulas")
    }
}
