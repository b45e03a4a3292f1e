public import Plot

/// Every view builds `Node<HTML.BodyContext>` through these helpers, so components compose in
/// any position (forms, tables, lists). Plot escapes text but writes attribute values as given,
/// so these helpers escape attribute values themselves (a quote in a name must not end the
/// attribute).
public typealias HTMLNode = Node<HTML.BodyContext>

public func el(_ name: String, _ attributes: [(String, String)] = [], _ children: [HTMLNode] = []) -> HTMLNode {
    // Keep empty values: `<option value="">` must post an empty string, not its label.
    .element(named: name, nodes: attributes.map { HTMLNode.attribute(named: $0.0, value: Escape.html($0.1), ignoreIfValueIsEmpty: false) } + children)
}

public func el(_ name: String, _ attributes: [(String, String)] = [], text: String) -> HTMLNode {
    el(name, attributes, [.text(text)])
}

/// A void element such as `<input>` or `<meta>`.
public func void(_ name: String, _ attributes: [(String, String)]) -> HTMLNode {
    .selfClosedElement(named: name, attributes: attributes.map { Attribute<HTML.BodyContext>(name: $0.0, value: Escape.html($0.1), ignoreIfValueIsEmpty: false) })
}

public func link(_ label: String, _ href: String, _ attributes: [(String, String)] = []) -> HTMLNode {
    el("a", [("href", href)] + attributes, text: label)
}

public func group(_ nodes: [HTMLNode]) -> HTMLNode { .group(nodes) }

public func text(_ value: String) -> HTMLNode { .text(value) }

/// HTML produced by the content sanitiser, and only that: inserted as it is. Anything else goes
/// through `text` or `el`, which escape.
public func sanitizedHTML(_ html: String) -> HTMLNode { .raw(html) }
