import Testing

@testable import TandemUI

/// Every value of `name="…"` in `html`, in document order.
private func values(of name: String, in html: String) -> [String] {
    html.components(separatedBy: " \(name)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
}

private func occurrences(of needle: String, in html: String) -> Int {
    html.components(separatedBy: needle).count - 1
}

@Suite("Charts")
struct ChartsTests {
    @Test("a chart is a figure with a captioned svg named by its own title and desc")
    func structure() {
        let html = Chart.bars(title: "Reads by site", summary: "Paris reads most.", bars: [("Paris", 12), ("Lyon", 4)]).render()
        #expect(html.hasPrefix(#"<figure class="chart chart-bars"><svg "#))
        #expect(html.contains(#" role="img""#))
        let labelledBy = values(of: "aria-labelledby", in: html).first?.split(separator: " ").map(String.init) ?? []
        #expect(labelledBy.count == 2)
        #expect(labelledBy.allSatisfy { $0.hasPrefix("chart-reads-by-site-") })
        if labelledBy.count == 2 {
            #expect(html.contains(#"<title id="\#(labelledBy[0])">Reads by site</title>"#))
            #expect(html.contains(#"<desc id="\#(labelledBy[1])">Paris reads most.</desc>"#))
        }
        #expect(html.hasSuffix(#"</svg><figcaption><span class="chart-title">Reads by site</span></figcaption></figure>"#))
    }

    @Test("ids are stable across renders and differ between titles and between data")
    func identifiers() {
        func id(_ title: String, _ value: Double) -> String? {
            values(of: "id", in: Chart.bars(title: title, summary: "s", bars: [("A", value)]).render()).first
        }
        #expect(id("Reads", 1) == id("Reads", 1))
        #expect(id("Reads", 1) != id("Opens", 1))
        #expect(id("Reads", 1) != id("Reads", 2), "two charts with one title on a page must not share ids")
        #expect(id("Été 2024 — reads!", 1)?.hasPrefix("chart-t-2024-reads-") == true)
        #expect(id("???", 1)?.count == "chart-12345678-title".count)
    }

    @Test("titles, summaries, labels and series names are escaped")
    func escaping() {
        let evil = "<script>alert(1)</script>"
        let charts = [
            Chart.line(title: evil, summary: evil, xLabels: [evil, "b"], series: [.init(name: evil, values: [1, 2]), .init(name: "x", values: [2, 1])]),
            Chart.bars(title: evil, summary: evil, bars: [(evil, 3), ("b", nil)]),
            Chart.funnel(title: evil, summary: evil, steps: [(evil, 3), ("b", 1)]),
        ]
        for html in charts.map({ $0.render() }) {
            #expect(!html.contains("<script"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    @Test("value axes get 4–6 round ticks that cover the data", arguments: [
        (7.0, Chart.ValueFormat.count, ["0", "2", "4", "6", "8"]),
        (100, .count, ["0", "20", "40", "60", "80", "100"]),
        (3, .count, ["0", "1", "2", "3"]),
        (11, .count, ["0", "5", "10", "15"]),
        (2.5, .count, ["0", "0.5", "1", "1.5", "2", "2.5"]),
        (0.37, .percent, ["0%", "10%", "20%", "30%", "40%"]),
        (1, .percent, ["0%", "20%", "40%", "60%", "80%", "100%"]),
        (0, .percent, ["0%", "20%", "40%", "60%", "80%", "100%"]),
        (0, .count, ["0", "1", "2", "3", "4"]),
    ])
    func niceTicks(maximum: Double, unit: Chart.ValueFormat, expected: [String]) {
        let ticks = Chart.niceTicks(max: maximum, unit: unit, wholeNumbers: maximum.rounded() == maximum)
        #expect(ticks.map { Chart.format($0, unit) } == expected)
    }

    @Test("tick counts stay within 4–6 and cover the maximum across many magnitudes")
    func tickRange() {
        for maximum in [1.0, 4, 9, 13, 49, 51, 99, 101, 360, 999, 1001, 72_500, 1_000_000] {
            let ticks = Chart.niceTicks(max: maximum, unit: .count)
            #expect((4...6).contains(ticks.count), "\(maximum): \(ticks)")
            #expect((ticks.last ?? 0) >= maximum, "\(maximum): \(ticks)")
            #expect(ticks.allSatisfy { $0.rounded() == $0 }, "whole counts need whole ticks: \(ticks)")
        }
    }

    @Test("the rendered y axis uses the percent labels")
    func percentAxis() {
        let html = Chart.line(title: "Open rate", summary: "s", xLabels: ["Mon", "Tue"], series: [.init(name: "Rate", values: [0.2, 0.37])], unit: .percent).render()
        #expect(html.contains(">40%</text>") && html.contains(">0%</text>"))
        #expect(!html.contains(">50%</text>"))
    }

    @Test("nil values break the line, and a point without neighbours becomes a dot")
    func gaps() {
        let html = Chart.line(title: "Opens", summary: "s", xLabels: ["a", "b", "c", "d", "e", "f", "g"],
                              series: [.init(name: "A", values: [2, 4, nil, 4, 2, nil, 3])]).render()
        let path = values(of: "d", in: html)
        #expect(path.count == 1)
        #expect(occurrences(of: "M", in: path.first ?? "") == 2)
        #expect(occurrences(of: "L", in: path.first ?? "") == 2)
        #expect(occurrences(of: "<circle", in: html) == 1)

        let lonely = Chart.line(title: "One", summary: "s", xLabels: ["a"], series: [.init(name: "A", values: [5])]).render()
        #expect(values(of: "d", in: lonely).isEmpty)
        #expect(occurrences(of: "<circle", in: lonely) == 1)
        #expect(values(of: "cx", in: lonely).first == values(of: "x", in: lonely).last, "a single point sits under its label")
    }

    @Test("x labels are thinned to at most 12, starting at the first")
    func thinning() {
        let hours = Chart.line(title: "Hours", summary: "s", xLabels: (0..<72).map { "\($0) h" }, series: [.init(name: "A", values: [1])]).render()
        #expect(hours.contains(">0 h</text>") && hours.contains(">6 h</text>") && !hours.contains(">1 h</text>"))
        #expect(occurrences(of: " h</text>", in: hours) == 12)
        let dates = Chart.line(title: "Days", summary: "s", xLabels: (1...31).map { "2025-05-\($0 < 10 ? "0" : "")\($0)" }, series: []).render()
        #expect((2...8).contains(occurrences(of: ">2025-05-", in: dates)), "long labels need fewer slots")
    }

    @Test("a legend appears only with several series, each in its own colour")
    func legend() {
        let one = Chart.line(title: "A", summary: "s", xLabels: ["a", "b"], series: [.init(name: "Reads", values: [1, 2])]).render()
        #expect(!one.contains("chart-legend"))
        let names = ["Reads", "Opens", "Clicks"]
        let three = Chart.line(title: "A", summary: "s", xLabels: ["a", "b"], series: names.map { .init(name: $0, values: [1, 2]) }).render()
        #expect(three.contains(#"<ul class="chart-legend">"#))
        #expect(names.allSatisfy { three.contains("</svg>\($0)</li>") })
        let strokes = values(of: "stroke", in: three).filter { $0.hasPrefix("#") && $0 != Chart.gridColour && $0 != Chart.mutedColour }
        #expect(Set(strokes).count == 3)
    }

    @Test("a nil bar is an outlined track labelled suppressed")
    func suppressed() {
        let html = Chart.bars(title: "By country", summary: "s", bars: [("France", 40), ("Malta", nil)]).render()
        #expect(occurrences(of: "class=\"bar-suppressed\"", in: html) == 1)
        #expect(html.contains(">suppressed</text>"))
        #expect(html.contains(">40</text>"))
        #expect(values(of: "fill", in: html).filter { $0 == Chart.colour(0) }.count == 1, "only the known value is a filled bar")
    }

    @Test("funnel steps show their share of the first step, in label and width")
    func funnel() {
        let html = Chart.funnel(title: "Reach", summary: "s", steps: [("Sent", 300), ("Opened", 100), ("Clicked", 25)]).render()
        #expect(html.contains(">300 (100% of first)</text>"))
        #expect(html.contains(">100 (33.3% of first)</text>"))
        #expect(html.contains(">25 (8.3% of first)</text>"))
        let widths = values(of: "width", in: html).dropFirst().compactMap(Double.init)
        #expect(widths.count == 3)
        if widths.count == 3 { #expect(abs(widths[0] / widths[1] - 3) < 0.01) }

        let empty = Chart.funnel(title: "Reach", summary: "s", steps: [("Sent", 0), ("Opened", 0)]).render()
        #expect(empty.contains(">0 (0% of first)</text>"))
    }

    @Test("edge cases draw without NaN, infinity or negative coordinates")
    func edgeCases() {
        let charts = [
            Chart.line(title: "t", summary: "s", xLabels: [], series: []),
            Chart.line(title: "t", summary: "s", xLabels: ["a", "b"], series: [.init(name: "A", values: [0, 0])]),
            Chart.line(title: "t", summary: "s", xLabels: ["a", "b"], series: [.init(name: "A", values: [nil, nil]), .init(name: "B", values: [])]),
            Chart.line(title: "t", summary: "s", xLabels: ["a", "b", "c"], series: [.init(name: "A", values: [-5, .nan, .infinity])]),
            Chart.line(title: "t", summary: "s", xLabels: ["a"], series: [.init(name: "A", values: [0.0001])], unit: .percent),
            Chart.bars(title: "t", summary: "s", bars: []),
            Chart.bars(title: "t", summary: "s", bars: [("a", nil), ("b", nil)]),
            Chart.bars(title: "t", summary: "s", bars: [("a", 0), ("b", -3)], unit: .percent),
            Chart.funnel(title: "t", summary: "s", steps: []),
            Chart.funnel(title: "t", summary: "s", steps: [("a", 0), ("b", 5), ("c", -.infinity)]),
        ]
        for (index, chart) in charts.enumerated() {
            let html = chart.render().lowercased()
            #expect(!html.contains("nan") && !html.contains("inf"), "chart \(index)")
            #expect(!html.contains("=\"-"), "chart \(index): negative values are clamped at the axis")
            #expect(html.hasSuffix("</figure>"), "chart \(index)")
        }
    }

    @Test("charts without any value say so")
    func noData() {
        #expect(Chart.line(title: "t", summary: "s", xLabels: ["a"], series: [.init(name: "A", values: [nil])]).render().contains(">No data</text>"))
        #expect(Chart.bars(title: "t", summary: "s", bars: []).render().contains(">No data</text>"))
        #expect(!Chart.line(title: "t", summary: "s", xLabels: ["a"], series: [.init(name: "A", values: [0])]).render().contains("No data"))
    }

    @Test("numbers keep at most one decimal and drop a trailing .0")
    func numbers() {
        #expect(Chart.number(3) == "3")
        #expect(Chart.number(1234.56) == "1234.6")
        #expect(Chart.number(0.25) == "0.3")
        #expect(Chart.number(-0.04) == "0")
        #expect(Chart.number(.nan) == "0")
        #expect(Chart.format(0.4234, .percent) == "42.3%")
    }

    @Test("a two-bar chart renders exactly as recorded")
    func snapshot() {
        let html = Chart.bars(title: "Reads by site", summary: "Paris leads.", bars: [("Paris", 12), ("Lyon", nil)]).render()
        let expected = [
            ##"<figure class="chart chart-bars"><svg viewBox="0 0 640 92" width="640" height="92" role="img" aria-labelledby="chart-reads-by-site-d86b18c4-title chart-reads-by-site-d86b18c4-desc">"##,
            ##"<title id="chart-reads-by-site-d86b18c4-title">Reads by site</title><desc id="chart-reads-by-site-d86b18c4-desc">Paris leads.</desc>"##,
            ##"<g class="grid" stroke="#d9dee7"><line x1="64" y1="8" x2="64" y2="64"></line><line x1="229.3" y1="8" x2="229.3" y2="64"></line>"##,
            ##"<line x1="394.7" y1="8" x2="394.7" y2="64"></line><line x1="560" y1="8" x2="560" y2="64"></line></g>"##,
            ##"<g class="ticks" fill="#5b6474" text-anchor="middle"><text x="64" y="80">0</text><text x="229.3" y="80">5</text><text x="394.7" y="80">10</text><text x="560" y="80">15</text></g>"##,
            ##"<g class="axis" stroke="#5b6474"><line x1="64" y1="8" x2="64" y2="64"></line></g>"##,
            ##"<g class="ticks" fill="#5b6474" text-anchor="end"><text x="56" y="26">Paris</text><text x="56" y="54">Lyon</text></g>"##,
            ##"<g class="bars"><rect x="64" y="13" width="396.8" height="18" fill="#0072B2"></rect>"##,
            ##"<rect x="64" y="41" width="496" height="18" class="bar-suppressed" fill="none" stroke="#5b6474" stroke-dasharray="4 3"></rect></g>"##,
            ##"<g class="values" fill="#5b6474"><text x="466.8" y="26">12</text><text x="70" y="54">suppressed</text></g>"##,
            ##"</svg><figcaption><span class="chart-title">Reads by site</span></figcaption></figure>"##,
        ].joined()
        #expect(html == expected)
    }
}
