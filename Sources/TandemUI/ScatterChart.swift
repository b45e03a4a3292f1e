public import Plot

extension Chart {
    /// One axis of a scatter chart: its name, the range it spans and how its ticks read.
    public struct Axis: Sendable {
        public let name: String
        public let range: ClosedRange<Double>
        public let unit: ValueFormat
        public init(name: String, range: ClosedRange<Double>, unit: ValueFormat) {
            self.name = name
            self.range = range
            self.unit = unit
        }
    }

    /// A scatter chart: one labelled dot per point, on fixed axis ranges (so −100…100 for eNPS
    /// works, unlike the bar and line charts, which start at 0). Each dot carries its label and
    /// values in a `title`, for screen readers and hover; callers list the numbers in a table too.
    public static func scatter(title: String, summary: String, x xAxis: Axis, y yAxis: Axis, points: [(label: String, x: Double, y: Double)]) -> HTMLNode {
        let yTicks = steps(yAxis.range), xTicks = steps(xAxis.range)
        let left = max(Double(yTicks.map { format($0, yAxis.unit).count }.max() ?? 1) * charWidth + 28, 48)
        let plot = Box(x: left, y: 12, width: canvasWidth - left - 24, height: 260)
        func x(_ value: Double) -> Double { plot.x + share(value, in: xAxis.range) * plot.width }
        func y(_ value: Double) -> Double { plot.bottom - share(value, in: yAxis.range) * plot.height }

        var grid: [HTMLNode] = [], labels: [HTMLNode] = []
        for tick in yTicks {
            grid.append(segment(plot.x, y(tick), plot.right, y(tick)))
            labels.append(el("text", [("x", number(plot.x - 6)), ("y", number(y(tick) + 4)), ("text-anchor", "end")], text: format(tick, yAxis.unit)))
        }
        for tick in xTicks {
            grid.append(segment(x(tick), plot.y, x(tick), plot.bottom))
            labels.append(el("text", [("x", number(x(tick))), ("y", number(plot.bottom + 16)), ("text-anchor", "middle")], text: format(tick, xAxis.unit)))
        }
        var body: [HTMLNode] = [
            el("g", [("class", "grid"), ("stroke", gridColour)], grid),
            el("g", [("class", "ticks"), ("fill", mutedColour)], labels),
            el("g", [("class", "axis"), ("stroke", mutedColour)], [segment(plot.x, plot.bottom, plot.right, plot.bottom), segment(plot.x, plot.y, plot.x, plot.bottom)]),
            el("g", [("class", "axis-names"), ("fill", mutedColour)], [
                el("text", [("x", number(plot.x + plot.width / 2)), ("y", number(plot.bottom + 34)), ("text-anchor", "middle")], text: xAxis.name),
                el("text", [("x", "12"), ("y", number(plot.y + plot.height / 2)), ("text-anchor", "middle"),
                            ("transform", "rotate(-90 12 \(number(plot.y + plot.height / 2)))")], text: yAxis.name),
            ]),
        ]
        let dots = points.compactMap { point -> HTMLNode? in
            guard point.x.isFinite, point.y.isFinite else { return nil }
            let cx = x(point.x), cy = y(point.y)
            // Labels sit right of the dot, or left of it near the right edge.
            let anchorEnd = cx > plot.right - 90
            return el("g", [("class", "point")], [
                el("title", text: "\(point.label): \(format(point.x, xAxis.unit)), \(format(point.y, yAxis.unit))"),
                el("circle", [("cx", number(cx)), ("cy", number(cy)), ("r", "5"), ("fill", colour(0))]),
                el("text", [("x", number(anchorEnd ? cx - 8 : cx + 8)), ("y", number(cy - 6)), ("text-anchor", anchorEnd ? "end" : "start"), ("fill", mutedColour)],
                   text: truncate(point.label, to: 20)),
            ])
        }
        if dots.isEmpty { body.append(noData(in: plot)) } else { body.append(el("g", [("class", "points")], dots)) }
        let fingerprint = ["scatter", summary, xAxis.name, yAxis.name] + points.map { "\($0.label):\(number($0.x * 1000)),\(number($0.y * 1000))" }
        return figure(kind: "scatter", title: title, fingerprint: fingerprint, summary: summary, height: plot.bottom + 44, body: body, legend: [])
    }

    /// Five equal steps across the range, both ends included.
    static func steps(_ range: ClosedRange<Double>) -> [Double] {
        (0...4).map { range.lowerBound + Double($0) * (range.upperBound - range.lowerBound) / 4 }
    }

    /// Where a value falls in a range, 0…1, clamped so an outlier stays on the canvas.
    static func share(_ value: Double, in range: ClosedRange<Double>) -> Double {
        let span = range.upperBound - range.lowerBound
        guard span > 0 else { return 0.5 }
        return min(max((value - range.lowerBound) / span, 0), 1)
    }
}
