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
    }

    public static var navigation: [NavItem] { items.withLock { $0 } }

    public static func render(title: String, context: PageContext, content: [HTMLNode]) -> String {
        let nav = navigation.filter { $0.access.allows(context.identity) && context.identity != nil }
        let header: HTMLNode = el("header", [("class", "topbar")], [
            link("Tandem", "/", [("class", "brand")]),
            el("nav", [("aria-label", "Main")], [
                el("ul", [], nav.map { item in
                    let current = context.path == item.href || (item.href != "/" && context.path.hasPrefix(item.href + "/"))
                    return el("li", [], [link(item.title, item.href, current ? [("aria-current", "page")] : [])])
                })
            ]),
            context.identity.map { identity in
                el("div", [("class", "who")], [
                    link(identity.displayName, "/account", [("class", "me")]),
                    el("form", [("method", "post"), ("action", "/logout"), ("class", "inline")], [
                        csrfField(context.csrfToken),
                        el("button", [("type", "submit"), ("class", "link")], text: "Sign out"),
                    ]),
                ])
            } ?? text(""),
        ])
        let flash: HTMLNode = context.flash.map { flash in
            el("p", [("class", "flash \(flash.kind.rawValue)"), ("role", flash.kind == .error ? "alert" : "status")], text: flash.message)
        } ?? text("")
        let document = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .title("\(title) · Tandem"),
                .stylesheet("/static/tandem.css"),
                .script(.src("/static/tandem.js"), .defer())
            ),
            .body(.group([header, el("main", [("id", "main")], [flash] + content)]))
        )
        return document.render()
    }

    public static func csrfField(_ token: String) -> HTMLNode {
        void("input", [("type", "hidden"), ("name", "_csrf"), ("value", token)])
    }
}
