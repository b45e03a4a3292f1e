import Foundation
import TandemCore
import TandemUI

/// A version comparison as a card: one row per changed field, words or lines marked as
/// added (<ins>) or removed (<del>), so the change reads without colour too.
enum DiffPages {
    static func card(_ diff: PostDiff, post: Post, lastSeen: Int?, versions: [Int], events: [PostEvent]) -> HTMLNode {
        let heading = lastSeen == diff.from ? "Changes since you last looked (v\(diff.from) → v\(diff.to))" : "Changes from v\(diff.from) to v\(diff.to)"
        var children: [HTMLNode] = []
        // Steps taken since (files changed, sent back to review, changes requested); plain saves are the diff itself.
        let between = events.filter { $0.version > diff.from && $0.version <= diff.to && !($0.action == "edit" && $0.note.isEmpty) }.reversed()
        if diff.isEmpty { children.append(el("p", [], text: "The text and settings are the same.")) }
        for change in diff.changes {
            children.append(el("div", [("class", "diff-field")], [el("h3", text: change.field), body(change)]))
        }
        if !between.isEmpty {
            children.append(el("h3", text: "Also since then"))
            children.append(el("ul", [("class", "diff-events")], between.map { el("li", text: "v\($0.version): \($0.action.replacingOccurrences(of: "_", with: " ")) by \($0.actor)" + ($0.note.isEmpty ? "" : " — \($0.note)")) }))
        }
        let choices = versions.filter { $0 < post.version }
        if !choices.isEmpty {
            children.append(el("form", [("method", "get"), ("action", "/posts/\(post.id)"), ("class", "filters")], [
                UI.select("Compare from", name: "compare", options: choices.map { (String($0), "v\($0)") }, selected: String(diff.from)),
                el("div", [("class", "field")], [el("button", [("type", "submit")], text: "Compare with v\(post.version)")]),
            ]))
        }
        return el("section", [("class", "card diff"), ("id", "changes")], [el("h2", text: heading)] + children)
    }

    static func body(_ change: PostDiff.Change) -> HTMLNode {
        switch change.kind {
        case .value:
            return el("p", [], [el("del", text: change.old.isEmpty ? "—" : change.old), text(" → "), el("ins", text: change.new.isEmpty ? "—" : change.new)])
        case .text:
            return el("p", [("class", "diff-words")], change.pieces.map(piece))
        case .lines:
            return el("pre", [("class", "diff-lines")], TextDiff.hunks(change.pieces).map { line in
                guard let line else { return el("span", [("class", "diff-skip")], text: "…\n") }
                switch line.op {
                case .same: return text("  " + line.text + "\n")
                case .added: return el("ins", text: "+ " + line.text + "\n")
                case .removed: return el("del", text: "− " + line.text + "\n")
                }
            })
        }
    }

    static func piece(_ p: TextDiff.Piece) -> HTMLNode {
        switch p.op {
        case .same: text(p.text)
        case .added: el("ins", text: p.text)
        case .removed: el("del", text: p.text)
        }
    }
}
