import Hummingbird
import TandemCore
import TandemUI

/// The start page: what the signed-in person can do from here, by role. It makes no database
/// query beyond the (cached) session lookup, so it stays fast.
struct HomeRoutes {
    func register(in table: RouteTable) {
        table.page(.get, "/", .signedIn) { request, context in
            let identity = try context.requireIdentity()
            return Pages.render(request, context, title: "Home") { _ in HomePage.render(identity: identity) }
        }
    }
}

enum HomePage {
    static func render(identity: Identity) -> [HTMLNode] {
        let sections = Layout.navigation.filter { $0.access.allows(identity) }
        return [
            UI.heading("Hello, \(identity.displayName)", subtitle: "One workspace for HR, Internal Communications and Marketing."),
            el("p", [], [text("You are signed in as ")] + identity.roles.sorted().map { UI.badge($0.title) }),
            el("div", [("class", "grid")], sections.map { item in
                UI.card(item.title, [el("p", [], [link("Open \(item.title.lowercased())", item.href)])])
            } + [UI.card("Your account", [el("p", [], [link("Password and API tokens", "/account")])])]),
        ]
    }
}
