import Foundation
import People
import TandemCore

/// What the audience form posted: name, description and either the builder rows, the rule
/// text or a pasted list. Without JavaScript the builder and the text box can disagree; the
/// text wins when it differs from the rule the page was drawn with (`last_rule`), because
/// then the person typed in it.
struct AudienceForm {
    enum Intent: String { case save, preview, add, remove }

    var kind: Audience.Kind = .rule
    var name = ""
    var description = ""
    var ruleText = ""
    var builder = RuleBuilder(match: .all, conditions: [RuleBuilder.Condition(field: "country", op: "=", value: "")])
    var idsText = ""
    var intent: Intent = .save
    /// Whether the rule comes from the text box (typed in) or from the builder rows.
    var fromText = true
    /// The defined custom attributes, which type `attr.NAME` fields.
    var attributes: [AttributeDefinition] = []

    init(attributes: [AttributeDefinition]) {
        self.attributes = attributes
    }

    init(audience: Audience, members: [String], attributes: [AttributeDefinition]) {
        self.attributes = attributes
        kind = audience.kind
        name = audience.name
        description = audience.description
        ruleText = audience.rule ?? ""
        if let text = audience.rule, let rule = try? RuleParser.parse(text, attributes: attributes), let rows = RuleBuilder.rows(for: rule) { builder = rows }
        idsText = members.joined(separator: "\n")
    }

    init(_ form: FormData, attributes: [AttributeDefinition]) {
        self.attributes = attributes
        kind = form["kind"] == Audience.Kind.list.rawValue ? .list : .rule
        name = form["name"] ?? ""
        description = form["description"] ?? ""
        idsText = form["employee_ids"] ?? ""
        let fields = form.all("field"), ops = form.all("op"), values = form.all("value")
        var conditions: [RuleBuilder.Condition] = []
        for index in 0..<min(fields.count, ops.count, values.count, 50) {
            conditions.append(RuleBuilder.Condition(field: fields[index], op: ops[index], value: values[index]))
        }
        builder = RuleBuilder(match: form["match"] == "any" ? .any : .all, conditions: conditions)
        let typed = form["rule"] ?? ""
        let textEdited = typed.trimmed != (form["last_rule"] ?? "").trimmed
        let raw = form["intent"] ?? "save"
        intent = Intent(rawValue: raw.hasPrefix("remove-") ? "remove" : raw) ?? .save
        if raw.hasPrefix("remove-"), let index = Int(raw.dropFirst(7)), builder.conditions.indices.contains(index) {
            builder.conditions.remove(at: index)
        }
        if intent == .add { builder.conditions.append(RuleBuilder.Condition(field: "country", op: "=", value: "")) }
        fromText = textEdited || builder.conditions.isEmpty
        if fromText {
            ruleText = typed
            if let rule = try? RuleParser.parse(typed, attributes: attributes), let rows = RuleBuilder.rows(for: rule) { builder = rows }
        } else {
            ruleText = builder.partialText(attributes: attributes)
        }
        if builder.conditions.isEmpty { builder.conditions = [RuleBuilder.Condition(field: "country", op: "=", value: "")] }
    }

    /// The rule text to save or preview; builder errors name the condition.
    func rule() throws -> String {
        fromText ? ruleText : try builder.text(attributes: attributes)
    }

    func draft() throws -> AudienceDraft {
        switch kind {
        case .rule: return try AudienceDraft.make(name: name, description: description, rule: try rule(), employeeIDs: nil, attributes: attributes)
        case .list: return try AudienceDraft.make(name: name, description: description, rule: nil, employeeIDs: try AudienceRules.employeeIDs(idsText), attributes: attributes)
        }
    }
}
