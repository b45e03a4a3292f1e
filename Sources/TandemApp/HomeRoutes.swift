import Hummingbird
import TandemCore
import TandemUI

/// The start page: what the signed-in person can do from here, by role. It makes no database
/// query beyond the (cached) session lookup, and its cards are rendered once per set of roles.
struct HomeRoutes {
    func register(in table: RouteTable) {
        // Open to anyone so each kind of caller lands in the right place: employees on their feed.
        table.page(.get, "/", .anyone) { request, context in
            guard let identity = context.identity, !identity.isSCIM else { throw AppError.unauthenticated }
            if identity.isEmployeeOnly { return Reply.redirect("/feed") }
            return Pages.render(request, context, title: "Home", html: HomePage.html(identity: identity))
        }
    }
}

enum HomePage {
    static func html(identity: Identity) -> String {
        let roles = identity.roles.sorted()
        let cards = FragmentCache.shared.html("home|" + roles.map(\.rawValue).joined(separator: ",")) {
            let sections = Layout.navigation.filter { $0.access.allows(identity) }
            return group([
                el("p", [], [text("You are signed in as ")] + roles.map { UI.badge($0.title) }),
                el("div", [("class", "grid")], sections.map { item in
                    UI.card(item.title, [el("p", [], [link("Open \(item.title.lowercased())", item.href)])])
                } + [UI.card("Your account", [el("p", [], [link("Password and API tokens", "/account")])])]),
            ]).render()
        }
        return "<h1>Hello, " + Escape.html(identity.displayName)
            + "</h1><p class=\"lead\">One workspace for HR, Internal Communications and Marketing.</p>" + cards
    }
}
