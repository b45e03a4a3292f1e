public import People
public import TandemCore

/// Evaluates a rule against one employee in memory, with exactly the semantics of the SQL that
/// `RuleCompiler` writes: a missing value fails every comparison, text compares by code points.
public struct RuleEvaluator {
    public let today: String
    public let resolve: (String) throws -> AudienceDefinition

    public init(today: String, resolve: @escaping (String) throws -> AudienceDefinition = { name in
        throw AppError.invalid("rule", "Unknown audience \"\(name)\".")
    }) {
        self.today = today
        self.resolve = resolve
    }

    public func matches(_ rule: Rule, _ employee: Employee) throws -> Bool {
        try evaluate(rule, employee, path: [])
    }

    func evaluate(_ rule: Rule, _ e: Employee, path: [String]) throws -> Bool {
        switch rule {
        case .all(let rules): return try rules.allSatisfy { try evaluate($0, e, path: path) }
        case .any(let rules): return try rules.contains { try evaluate($0, e, path: path) }
        case .not(let inner): return try !evaluate(inner, e, path: path)
        case .inAudience(let name):
            guard !path.contains(name) else { throw AppError.invalid("rule", "Audience \"\(name)\" refers to itself.") }
            switch try resolve(name) {
            case .rule(let saved): return try evaluate(saved, e, path: path + [name])
            case .list(_, _, let members): return members.contains(e.employeeId)
            }
        case .isTrue(let field):
            return value(field, e) == .boolean(true)
        case .compare(let field, let op, let wanted):
            if field.name == "status", case .text(let status) = wanted {
                return (e.status(on: today).rawValue == status) != (op == .notEqual)
            }
            if field.benefitPlan != nil, field.kind == .boolean, case .boolean(let flag) = wanted {
                let enrolled = value(field, e) == .boolean(true)
                return (op == .equal) == flag ? enrolled : !enrolled
            }
            guard let actual = value(field, e) else { return false }
            return compare(actual, op, resolved(wanted))
        case .oneOf(let field, let values):
            if field.name == "status" { return values.contains(.text(e.status(on: today).rawValue)) }
            guard let actual = value(field, e) else { return false }
            return values.contains { compare(actual, .equal, resolved($0)) }
        case .contains(let field, let text):
            guard case .text(let actual)? = value(field, e) else { return false }
            return text.isEmpty || actual.utf8.firstRange(of: text.utf8) != nil
        case .startsWith(let field, let text):
            guard case .text(let actual)? = value(field, e) else { return false }
            return actual.unicodeScalars.starts(with: text.unicodeScalars)
        case .isEmpty(let field):
            if field.benefitPlan != nil { return !(e.sensitive?.benefits.contains { $0.plan == field.benefitPlan } ?? false) }
            if field.name == "status" { return false }
            switch value(field, e) {
            case nil: return true
            case .text(let text)?: return text.isEmpty
            default: return false
            }
        }
    }

    func resolved(_ value: RuleValue) -> RuleValue {
        if case .relativeDate(let amount, let unit) = value { return .date(DateRules.resolve(amount: amount, unit: unit, today: today)) }
        return value
    }

    /// SQL compares text and dates byte by byte (BINARY in SQLite, COLLATE "C" in PostgreSQL).
    func compare(_ a: RuleValue, _ op: Comparison, _ b: RuleValue) -> Bool {
        let order: Int
        switch (a, b) {
        case (.text(let x), .text(let y)), (.date(let x), .date(let y)), (.text(let x), .date(let y)):
            order = x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : (x.utf8.elementsEqual(y.utf8) ? 0 : 1)
        case (.number(let x), .number(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
        case (.boolean(let x), .boolean(let y)): order = x == y ? 0 : (x ? 1 : -1)
        default: return false
        }
        switch op {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        }
    }

    func value(_ field: RuleField, _ e: Employee) -> RuleValue? {
        if let plan = field.benefitPlan {
            let benefit = e.sensitive?.benefits.first { $0.plan == plan }
            if field.kind == .boolean { return .boolean(benefit?.enrolled ?? false) }
            return benefit?.deferralPercent.map(RuleValue.number)
        }
        if let name = field.attribute {
            guard let stored = e.attributes[name] else { return nil }
            switch field.kind {
            case .text: return .text(stored)
            case .number: return Double(stored).map(RuleValue.number)
            case .date: return .date(stored)
            case .boolean: return .boolean(stored == "true")
            }
        }
        func text(_ s: String?) -> RuleValue? { s.map(RuleValue.text) }
        switch field.name {
        case "employee_id": return .text(e.employeeId)
        case "given_name": return .text(e.givenName)
        case "family_name": return .text(e.familyName)
        case "work_email": return text(e.workEmail)
        case "mobile_phone": return text(e.mobilePhone)
        case "language": return .text(e.language)
        case "time_zone": return .text(e.timeZone)
        case "country": return .text(e.country)
        case "region": return text(e.region)
        case "site": return text(e.site)
        case "department": return text(e.department)
        case "team": return text(e.team)
        case "job_title": return text(e.jobTitle)
        case "job_level": return text(e.jobLevel)
        case "manager_id": return text(e.managerId)
        case "employment_type": return .text(e.employmentType.rawValue)
        case "worker_type": return .text(e.workerType.rawValue)
        case "hire_date": return e.hireDate.map(RuleValue.date)
        case "termination_date": return e.terminationDate.map(RuleValue.date)
        case "pay_band": return text(e.sensitive?.payBand)
        case "annual_pay": return e.sensitive?.annualPay.map(RuleValue.number)
        case "hce": return e.sensitive.map { .boolean($0.hce) }
        default: return nil
        }
    }
}
