public import Plot
public import TandemCore
import Synchronization

/// A link in the main navigation, shown only to roles that can open it.
public struct NavItem: Sendable {
    public let title: String
    public let href: String
    public let access: Access
    public init(_ title: String, _ href: String, _ access: Access) {
        self.title = title
        self.href = href
        self.access = access
    }
}

/// The shared frame of every page: head, top bar with navigation and sign-out, flash, content.
public enum Layout {
    private static let items = Mutex<[NavItem]>([])

    /// Features add their entries when the app is built; adding the same link twice is a no-op.
    public static func register(_ newItems: [NavItem]) {
        items.withLock { list in
            for item in newItems where !list.contains(where: { $0.href == item.href }) { list.append(item) }
        }
        navigationCache.withLock { $0.removeAll() }
        FragmentCache.shared.removeAll()
    }

    public static var navigation: [NavItem] { items.withLock { $0 } }

    /// Navigation fragments rendered by Plot once per (roles, current path) and reused: the
    /// shell around every page costs string concatenation, not a document render.
    private static let navigationCache = Mutex<[String: String]>([:])

    static func navigationHTML(for identity: Identity?, path: String) -> String {
        guard let identity else { return "<nav aria-label=\"Main\"><ul></ul></nav>" }
        let key = identity.roles.map(\.rawValue).sorted().joined(separator: ",") + "|" + path
        if let cached = navigationCache.withLock({ $0[key] }) { return cached }
        let items = navigation.filter { $0.access.allows(identity) }
        let rendered = el("nav", [("aria-label", "Main")], [
            el("ul", [], items.map { item in
                let current = path == item.href || (item.href != "/" && path.hasPrefix(item.href + "/"))
                return el("li", [], [link(item.title, item.href, current ? [("aria-current", "page")] : [])])
            })
        ]).render()
        navigationCache.withLock { cache in
            if cache.count > 5_000 { cache.removeAll() }  // paths with ids make many keys; stay bounded
            cache[key] = rendered
        }
        return rendered
    }

    public static func render(title: String, context: PageContext, content: [HTMLNode]) -> String {
        render(title: title, context: context, html: HTMLNode.group(content).render())
    }

    /// The same shell around content that is already HTML (cached fragments on hot pages).
    public static func render(title: String, context: PageContext, html content: String) -> String {
        var html = """
            <!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"/>\
            <meta name="viewport" content="width=device-width, initial-scale=1"/><title>
            """
        html += Escape.html(title)
        html += " · Tandem</title><link rel=\"stylesheet\" href=\"/static/tandem.css\" type=\"text/css\"/>"
        html += "<script src=\"/static/tandem.js\" defer></script></head><body><header class=\"topbar\"><a href=\"" + (context.identity?.isEmployeeOnly == true ? "/feed" : "/") + "\" class=\"brand\">Tandem</a>"
        html += navigationHTML(for: context.identity, path: context.path)
        if let identity = context.identity {
            // Employees (magic-link sessions) have no account page; their sign-out ends only that session.
            let employee = identity.isEmployeeOnly
            html += "<div class=\"who\"><a href=\"" + (employee ? "/feed" : "/account") + "\" class=\"me\">" + Escape.html(identity.displayName) + "</a>"
            html += "<form method=\"post\" action=\"" + (employee ? "/feed/signout" : "/logout") + "\" class=\"inline\"><input type=\"hidden\" name=\"_csrf\" value=\""
            html += Escape.html(context.csrfToken) + "\"/><button type=\"submit\" class=\"link\">Sign out</button></form></div>"
        }
        html += "</header><main id=\"main\">"
        if let flash = context.flash {
            html += "<p class=\"flash " + flash.kind.rawValue + "\" role=\"" + (flash.kind == .error ? "alert" : "status") + "\">"
            html += Escape.html(flash.message) + "</p>"
        }
        html += content
        html += "</main></body></html>"
        return html
    }

    public static func csrfField(_ token: String) -> HTMLNode {
        void("input", [("type", "hidden"), ("name", "_csrf"), ("value", token)])
    }
}
