import TandemCore
import TandemUI

/// The reach table on the post page and in the editor (where the script refreshes it).
enum ReachPages {
    static func card(_ reach: PostReach, live: Bool) -> HTMLNode {
        var children: [HTMLNode] = [
            el("p", [("data-reach-summary", "")], text: "Audience: \(reach.total.display). Reached by the chosen channels: \(reach.reachable.display); not reached: \(reach.unreachable.display)."),
            UI.table(caption: "Reach per channel", headers: ["Channel", "Sent on it", "Reaches", "Who"], rows: reach.channels.map { line in
                [text(line.channel.title), text(line.selected ? "yes" : "no"), text(line.display), text(line.note)]
            }, empty: ""),
        ]
        if reach.suppressed { children.append(el("p", [("class", "hint")], text: "Counts for groups this small are hidden; HR sees them.")) }
        if live { children.append(el("p", [("class", "hint")], text: "Updates as you choose audiences and channels; counts are of active employees today.")) }
        return el("section", [("class", "card"), ("id", "post-reach"), ("aria-live", "polite")], [el("h2", text: "Reach")] + children)
    }
}
