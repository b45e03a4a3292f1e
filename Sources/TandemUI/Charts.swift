public import Plot

/// Charts drawn on the server as inline SVG: no script (the CSP allows none inline), they print,
/// and they carry their own accessible name. Callers show the exact numbers in a table as well.
///
/// User text only ever goes into text nodes, never into attributes: Plot escapes text but writes
/// attribute values as they are.
public enum Chart {
    public struct Series: Sendable {
        public let name: String
        public let values: [Double?]
        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values
        }
    }

    public enum ValueFormat: Sendable {
        case count
        /// Values are 0...1 fractions, shown as "42%".
        case percent
    }

    /// Line chart over categorical x labels (e.g. hours "0 h"…"71 h" or dates). nil values leave a gap.
    /// `marks` pin numbered notes (annotations) to x positions: a dashed line with its number,
    /// the note in the mark's title; callers list the notes under the chart as well.
    public static func line(title: String, summary: String, xLabels: [String], series: [Series], unit: ValueFormat = .count,
                            marks: [(index: Int, note: String)] = []) -> HTMLNode {
        let count = max(xLabels.count, series.map(\.values.count).max() ?? 0)
        let values = series.map { one in (0..<count).map { $0 < one.values.count ? clean(one.values[$0]) : nil } }
        let present = values.flatMap { $0.compactMap { $0 } }
        let ticks = niceTicks(max: present.max() ?? 0, unit: unit, wholeNumbers: present.allSatisfy { $0.rounded() == $0 })
        let left = max(Double(ticks.map { format($0, unit).count }.max() ?? 1) * charWidth + 12, 32)
        let plot = Box(x: left, y: 12, width: canvasWidth - left - 16, height: 228)
        let top = ticks.last ?? 1
        func x(_ index: Int) -> Double { plot.x + (Double(index) + 0.5) * plot.width / Double(max(count, 1)) }
        func y(_ value: Double) -> Double { plot.bottom - min(value / top, 1) * plot.height }

        var body = valueAxis(ticks, unit: unit, in: plot, alongBottom: false)
        body.append(el("g", [("class", "axis"), ("stroke", mutedColour)], [segment(plot.x, plot.bottom, plot.right, plot.bottom)]))
        let names = (0..<count).map { $0 < xLabels.count ? truncate(xLabels[$0], to: 16) : "" }
        // Thin the labels so they never overlap: long labels (dates) get fewer slots than "5 h".
        let slot = Double(names.map(\.count).max() ?? 1) * charWidth + 12
        let every = Int((Double(count) / min(max((plot.width / slot).rounded(.down), 2), 12)).rounded(.up))
        let shown = (0..<count).filter { $0 % max(every, 1) == 0 }
        body.append(el("g", [("class", "ticks"), ("fill", mutedColour), ("text-anchor", "middle")],
                       shown.map { label(names[$0], x: x($0), y: plot.bottom + 18) }))

        for (index, run) in values.enumerated() {
            var path = ""
            var dots: [HTMLNode] = []
            for (i, value) in run.enumerated() {
                guard let value else { continue }
                let joined = i > 0 && run[i - 1] != nil
                let point = number(x(i)) + " " + number(y(value))
                if joined {
                    path += "L" + point
                } else if i + 1 < run.count && run[i + 1] != nil {
                    path += "M" + point
                } else {
                    // A point with no neighbour draws no line, so it needs a dot to be seen at all.
                    dots.append(el("circle", [("cx", number(x(i))), ("cy", number(y(value))), ("r", "3")]))
                }
            }
            var stroke = [("fill", "none"), ("stroke", colour(index)), ("stroke-width", "2"), ("stroke-linejoin", "round")]
            if let dash = dash(index) { stroke.append(("stroke-dasharray", dash)) }
            let drawn = (path.isEmpty ? [] : [el("path", [("d", path)] + stroke)])
                + (dots.isEmpty ? [] : [el("g", [("fill", colour(index))], dots)])
            if !drawn.isEmpty { body.append(el("g", [("class", "series")], drawn)) }
        }
        if present.isEmpty { body.append(noData(in: plot)) }
        for (number, mark) in marks.enumerated() where mark.index >= 0 && mark.index < count {
            body.append(el("g", [("class", "mark"), ("stroke", mutedColour), ("fill", mutedColour)], [
                el("title", text: "\(number + 1). \(mark.note)"),
                el("line", [("x1", Self.number(x(mark.index))), ("y1", Self.number(plot.y)), ("x2", Self.number(x(mark.index))), ("y2", Self.number(plot.bottom)),
                            ("stroke-dasharray", "3 3")]),
                label(String(number + 1), x: x(mark.index) + 6, y: plot.y + 10),
            ]))
        }

        let key = series.count > 1 ? [legend(series.map(\.name))] : []
        let fingerprint = ["line", summary] + xLabels + series.map { $0.name + ":" + $0.values.map { $0.map(number) ?? "-" }.joined(separator: ",") }
            + marks.map { "\($0.index):\($0.note)" }
        return figure(kind: "line", title: title, fingerprint: fingerprint, summary: summary, height: plot.bottom + 28, body: body, legend: key)
    }

    /// Horizontal bar chart; a nil value is drawn as an empty bar labelled "suppressed" (privacy threshold).
    public static func bars(title: String, summary: String, bars: [(label: String, value: Double?)], unit: ValueFormat = .count) -> HTMLNode {
        let values = bars.map { clean($0.value) }
        let present = values.compactMap { $0 }
        let ticks = niceTicks(max: present.max() ?? 0, unit: unit, wholeNumbers: present.allSatisfy { $0.rounded() == $0 })
        let rows = zip(bars, values).map { bar, value in
            Row(label: bar.label, value: value, caption: value.map { format($0, unit) } ?? "suppressed")
        }
        let fingerprint = ["bars", summary] + rows.map { $0.label + ":" + $0.caption }
        return horizontal(kind: "bars", title: title, summary: summary, fingerprint: fingerprint, rows: rows,
                          scaleMax: ticks.last ?? 1, ticks: ticks, unit: unit, captionRoom: 80)
    }

    /// Funnel: each step a bar whose width is its share of the first step, labelled "value (xx% of first)".
    public static func funnel(title: String, summary: String, steps: [(label: String, value: Double)]) -> HTMLNode {
        let values = steps.map { clean($0.value) ?? 0 }
        let first = values.first ?? 0
        let rows = zip(steps, values).map { step, value in
            Row(label: step.label, value: value, caption: "\(format(value, .count)) (\(format(first > 0 ? value / first : 0, .percent)) of first)")
        }
        let fingerprint = ["funnel", summary] + rows.map { $0.label + ":" + $0.caption }
        // Scaled by the largest step, which is the first in any real funnel, so no bar overflows.
        return horizontal(kind: "funnel", title: title, summary: summary, fingerprint: fingerprint, rows: rows,
                          scaleMax: values.max() ?? 0, ticks: nil, unit: .count, captionRoom: 170)
    }
}

extension Chart {
    static let canvasWidth = 640.0
    static let rowHeight = 28.0
    /// Rough advance of one 12 px character; only used to leave room for labels.
    static let charWidth = 6.5
    static let mutedColour = "#5b6474"
    static let gridColour = "#d9dee7"
    /// Okabe–Ito, reordered so the strongest contrasts on white come first; yellow is left out
    /// because it is unreadable as a thin line on white.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    /// Dashes repeat on a different cycle from the colours, so no two of the first 28 series look alike.
    static let dashes: [String?] = [nil, "6 3", "2 3", "8 3 2 3"]

    struct Box {
        var x, y, width, height: Double
        var right: Double { x + width }
        var bottom: Double { y + height }
    }

    struct Row {
        let label: String
        let value: Double?
        let caption: String
    }

    static func colour(_ index: Int) -> String { palette[index % palette.count] }
    static func dash(_ index: Int) -> String? { dashes[index % dashes.count] }

    /// Non-finite values count as missing; negatives are not expected and would draw below the axis.
    static func clean(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return max(value, 0)
    }

    /// Round axis ticks from 0 to at least `max`: 4–6 of them, spaced 1, 2, 2.5 or 5 × 10ⁿ in the
    /// unit shown, so every label is exact with at most one decimal.
    static func niceTicks(max dataMax: Double, unit: ValueFormat, wholeNumbers: Bool = true) -> [Double] {
        let scale = unit == .percent ? 100.0 : 1.0
        var top = dataMax.isFinite ? max(dataMax, 0) * scale : 0
        if top == 0 { top = unit == .percent ? 100 : 4 }
        let integral = unit == .count && wholeNumbers
        // Subtract a hair so 0.3 / 0.1 = 3.0000000000000004 does not add an empty interval.
        func intervals(_ step: Double) -> Double { (top / step - 1e-9).rounded(.up) }
        var magnitude = integral ? 1.0 : 0.1
        var step = magnitude
        search: while magnitude.isFinite {
            for mantissa in [1.0, 2, 2.5, 5] {
                let candidate = mantissa * magnitude
                if mantissa == 2.5 && (magnitude < 1 || (integral && magnitude < 10)) { continue }
                step = candidate
                if intervals(candidate) <= 5 { break search }
            }
            magnitude *= 10
        }
        let count = max(Int(min(intervals(step), 5)), 3)
        return (0...count).map { Double($0) * step / scale }
    }

    static func format(_ value: Double, _ unit: ValueFormat) -> String {
        unit == .percent ? number(value * 100) + "%" : number(value)
    }

    /// At most one decimal, no trailing ".0": used for labels and coordinates alike so output is stable.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        guard abs(tenths) < 1e15 else { return String(describing: value.rounded()) }
        let whole = Int(tenths)
        if whole % 10 == 0 { return String(whole / 10) }
        return (whole < 0 ? "-" : "") + String(abs(whole) / 10) + "." + String(abs(whole) % 10)
    }

    static func truncate(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// Ids must be stable across renders (snapshots, caching) yet differ between charts on one page,
    /// so they come from the content; Swift's `Hasher` is seeded per process, hence FNV-1a.
    static func identifier(title: String, fingerprint: [String]) -> String {
        var slug = ""
        for scalar in title.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty && !slug.hasSuffix("-") {
                slug += "-"
            }
            if slug.count >= 32 { break }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        var hash: UInt32 = 2_166_136_261
        for byte in ([title] + fingerprint).joined(separator: "\u{1F}").utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        return "chart-" + (slug.isEmpty ? "" : slug + "-") + String(repeating: "0", count: 8 - hex.count) + hex
    }

    static func figure(kind: String, title: String, fingerprint: [String], summary: String, height: Double, body: [HTMLNode], legend: [HTMLNode]) -> HTMLNode {
        let id = identifier(title: title, fingerprint: fingerprint)
        return el("figure", [("class", "chart chart-\(kind)")], [
            el("svg", [("viewBox", "0 0 \(number(canvasWidth)) \(number(height))"), ("width", number(canvasWidth)), ("height", number(height)),
                       ("role", "img"), ("aria-labelledby", "\(id)-title \(id)-desc")],
               [el("title", [("id", "\(id)-title")], text: title), el("desc", [("id", "\(id)-desc")], text: summary)] + body),
            el("figcaption", [], [el("span", [("class", "chart-title")], text: title)] + legend),
        ])
    }

    /// Gridlines and tick labels for the value axis; bars run sideways, so theirs is along the bottom.
    static func valueAxis(_ ticks: [Double], unit: ValueFormat, in plot: Box, alongBottom: Bool) -> [HTMLNode] {
        let top = ticks.last ?? 1
        var lines: [HTMLNode] = []
        var labels: [HTMLNode] = []
        for tick in ticks {
            let share = top > 0 ? tick / top : 0
            if alongBottom {
                let x = plot.x + share * plot.width
                lines.append(segment(x, plot.y, x, plot.bottom))
                labels.append(label(format(tick, unit), x: x, y: plot.bottom + 16))
            } else {
                let y = plot.bottom - share * plot.height
                lines.append(segment(plot.x, y, plot.right, y))
                labels.append(label(format(tick, unit), x: plot.x - 6, y: y + 4))
            }
        }
        return [el("g", [("class", "grid"), ("stroke", gridColour)], lines),
                el("g", [("class", "ticks"), ("fill", mutedColour), ("text-anchor", alongBottom ? "middle" : "end")], labels)]
    }

    static func horizontal(kind: String, title: String, summary: String, fingerprint: [String], rows: [Row],
                           scaleMax: Double, ticks: [Double]?, unit: ValueFormat, captionRoom: Double) -> HTMLNode {
        let names = rows.map { truncate($0.label, to: 28) }
        let left = min(max(Double(names.map(\.count).max() ?? 0) * charWidth + 12, 64), 200)
        let plot = Box(x: left, y: 8, width: canvasWidth - left - captionRoom, height: Double(max(rows.count, 1)) * rowHeight)
        var body = ticks.map { valueAxis($0, unit: unit, in: plot, alongBottom: true) } ?? []
        var labels: [HTMLNode] = []
        var shapes: [HTMLNode] = []
        var captions: [HTMLNode] = []
        for (index, row) in rows.enumerated() {
            let top = plot.y + Double(index) * rowHeight
            labels.append(label(names[index], x: plot.x - 8, y: top + 18))
            if let value = row.value {
                let width = scaleMax > 0 ? min(value / scaleMax, 1) * plot.width : 0
                shapes.append(rect(x: plot.x, y: top + 5, width: width, attributes: [("fill", colour(0))]))
                captions.append(label(row.caption, x: plot.x + width + 6, y: top + 18))
            } else {
                // An outlined, unfilled track: visibly "no number here" rather than a short bar.
                shapes.append(rect(x: plot.x, y: top + 5, width: plot.width, attributes: [
                    ("class", "bar-suppressed"), ("fill", "none"), ("stroke", mutedColour), ("stroke-dasharray", "4 3"),
                ]))
                captions.append(label(row.caption, x: plot.x + 6, y: top + 18))
            }
        }
        body += [
            el("g", [("class", "axis"), ("stroke", mutedColour)], [segment(plot.x, plot.y, plot.x, plot.bottom)]),
            el("g", [("class", "ticks"), ("fill", mutedColour), ("text-anchor", "end")], labels),
            el("g", [("class", "bars")], shapes),
            el("g", [("class", "values"), ("fill", mutedColour)], captions),
        ]
        if rows.isEmpty { body.append(noData(in: plot)) }
        return figure(kind: kind, title: title, fingerprint: fingerprint, summary: summary,
                      height: plot.bottom + (ticks == nil ? 8 : 28), body: body, legend: [])
    }

    static func legend(_ names: [String]) -> HTMLNode {
        el("ul", [("class", "chart-legend")], names.enumerated().map { index, name in
            var stroke = [("x1", "0"), ("y1", "6"), ("x2", "24"), ("y2", "6"), ("stroke", colour(index)), ("stroke-width", "3")]
            if let dash = dash(index) { stroke.append(("stroke-dasharray", dash)) }
            return el("li", [], [
                el("svg", [("width", "24"), ("height", "12"), ("viewBox", "0 0 24 12"), ("aria-hidden", "true")], [el("line", stroke)]),
                text(name),
            ])
        })
    }

    static func noData(in plot: Box) -> HTMLNode {
        el("text", [("class", "no-data"), ("x", number(plot.x + plot.width / 2)), ("y", number(plot.y + plot.height / 2 + 4)),
                    ("text-anchor", "middle"), ("fill", mutedColour)], text: "No data")
    }

    static func label(_ value: String, x: Double, y: Double) -> HTMLNode {
        el("text", [("x", number(x)), ("y", number(y))], text: value)
    }

    static func segment(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> HTMLNode {
        el("line", [("x1", number(x1)), ("y1", number(y1)), ("x2", number(x2)), ("y2", number(y2))])
    }

    static func rect(x: Double, y: Double, width: Double, attributes: [(String, String)]) -> HTMLNode {
        el("rect", [("x", number(x)), ("y", number(y)), ("width", number(width)), ("height", "18")] + attributes)
    }
}
