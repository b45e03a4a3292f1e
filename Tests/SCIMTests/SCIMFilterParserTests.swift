import SCIM
import TandemCore
import Testing

@Suite("SCIM filter parser")
struct SCIMFilterParserTests {
    let parser = SCIMFilterParser(schema: SCIMUserSchema.resource)
    let core = SCIMUserSchema.coreID
    let enterprise = SCIMUserSchema.enterpriseID

    func path(_ attribute: String, _ sub: String? = nil, schema: String? = nil) -> SCIMPath {
        SCIMPath(schema: schema ?? core, attribute: attribute, subAttribute: sub)
    }

    func error(_ text: String) -> AppError? {
        do {
            _ = try parser.parse(text)
            return nil
        } catch let error as AppError {
            return error
        } catch {
            return nil
        }
    }

    @Test("a simple comparison, with attribute and operator names in any case")
    func simple() throws {
        #expect(try parser.parse(#"userName eq "ada@example.com""#) == .compare(path("userName"), .eq, .string("ada@example.com")))
        #expect(try parser.parse(#"USERNAME EQ "ada@example.com""#) == .compare(path("userName"), .eq, .string("ada@example.com")))
        #expect(try parser.parse("name.GIVENNAME pr") == .present(path("name", "givenName")))
    }

    @Test("and binds tighter than or; not needs parentheses; parentheses group")
    func precedence() throws {
        let a = SCIMFilter.compare(path("title"), .eq, .string("a"))
        let b = SCIMFilter.compare(path("title"), .eq, .string("b"))
        let c = SCIMFilter.compare(path("title"), .eq, .string("c"))
        #expect(try parser.parse(#"title eq "a" or title eq "b" and title eq "c""#) == .or(a, .and(b, c)))
        #expect(try parser.parse(#"(title eq "a" or title eq "b") and title eq "c""#) == .and(.or(a, b), c))
        #expect(try parser.parse(#"not (title eq "a") and title eq "b""#) == .and(.not(a), b))
    }

    @Test("every operator and literal kind")
    func literals() throws {
        for op in SCIMCompareOp.allCases {
            #expect(try parser.parse("displayName \(op.rawValue) \"x\"") == .compare(path("displayName"), op, .string("x")))
        }
        #expect(try parser.parse("active eq true") == .compare(path("active"), .eq, .bool(true)))
        #expect(try parser.parse("active ne false") == .compare(path("active"), .ne, .bool(false)))
        #expect(try parser.parse("title eq null") == .compare(path("title"), .eq, .null))
        #expect(try parser.parse(#"meta.lastModified gt "2026-01-01T00:00:00Z""#) == .compare(path("meta", "lastModified"), .gt, .string("2026-01-01T00:00:00Z")))
        #expect(try parser.parse(#"title eq "a \"quoted\" \\ \u00e9""#) == .compare(path("title"), .eq, .string("a \"quoted\" \\ é")))
    }

    @Test("enterprise attributes by URN, and complex attributes compare their value")
    func paths() throws {
        #expect(try parser.parse("\(enterprise):employeeNumber eq \"E1\"") == .compare(path("employeeNumber", schema: enterprise), .eq, .string("E1")))
        #expect(try parser.parse("\(enterprise):manager.value eq \"m\"") == .compare(path("manager", "value", schema: enterprise), .eq, .string("m")))
        #expect(try parser.parse(#"emails eq "a@x.io""#) == .compare(path("emails", "value"), .eq, .string("a@x.io")))
        #expect(try parser.parse("\(core):userName sw \"a\"") == .compare(path("userName"), .sw, .string("a")))
    }

    @Test("value filters on multi-valued attributes")
    func valuePaths() throws {
        let filter = try parser.parse(#"emails[type eq "work" and value co "@x"]"#)
        #expect(filter == .valuePath(path("emails"), .and(.compare(path("emails", "type"), .eq, .string("work")), .compare(path("emails", "value"), .co, .string("@x")))))
        #expect(try parser.parse(#"emails[not (value pr)] or userName eq "a""#)
            == .or(.valuePath(path("emails"), .not(.present(path("emails", "value")))), .compare(path("userName"), .eq, .string("a"))))
    }

    @Test("errors say where and what was expected", arguments: [
        (#"userName equals "a""#, "At position 10: expected an operator"),
        (#"userName eq"#, "At position 12: expected a value"),
        (#"nope eq "a""#, "At position 1: unknown attribute 'nope'"),
        (#"userName eq "a" and"#, "At position 20: expected an attribute name"),
        (#"(userName eq "a""#, "At position 17: expected ')'"),
        (#"userName eq "a"#, "At position 13: the string is not closed"),
        (#"not userName eq "a""#, "At position 5: expected '(' after 'not'"),
        (#"emails[type eq "work""#, "At position 22: expected ']'"),
        (#"emails[nope eq "x"]"#, "At position 8: emails has no sub-attribute 'nope'"),
        (#"active eq "yes""#, "At position 11: active is a boolean"),
        (#"active gt true"#, "At position 11: active is a boolean; use eq or ne"),
        (#"title eq 5"#, "At position 10: title is a string"),
        (#"meta.created gt "yesterday""#, "At position 17: meta.created is a date"),
        (#"userName eq "a" extra"#, "At position 17: expected 'and', 'or' or the end"),
        (#"title eq bogus"#, "At position 10: expected a value"),
        ("", "The filter is empty"),
    ])
    func errors(input: String, expected: String) {
        let failure = error(input)
        #expect(failure?.code == "invalidFilter")
        #expect(failure?.status == .badRequest)
        #expect(failure?.message.hasPrefix(expected) == true, "\(failure?.message ?? "no error")")
    }

    @Test("deep nesting and long filters are refused, not a stack overflow")
    func limits() {
        let deep = String(repeating: "(", count: 60) + #"title eq "a""# + String(repeating: ")", count: 60)
        #expect(error(deep)?.message.contains("nests more than") == true)
        #expect(error(String(repeating: "a", count: 3000))?.message.contains("longer than") == true)
    }
}
