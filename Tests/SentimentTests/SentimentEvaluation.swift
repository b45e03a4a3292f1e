import Foundation
import Testing
@testable import Sentiment

/// Labelled row of the evaluation dataset (built by bench/sentiment_eval/build_dataset.py).
struct LabelledRow {
    let label: SentimentLabel
    let text: String
    /// 0-based position among the data rows; every 5th row (index % 5 == 4) is held out.
    let index: Int
    var isHeldOut: Bool { index % 5 == 4 }
}

enum EvaluationData {
    static var path: String? { ProcessInfo.processInfo.environment["TANDEM_SENTIMENT_DATASET"] }

    static func load(_ path: String) throws -> [LabelledRow] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let records = CSVReader.parse(text)
        guard let header = records.first, header == ["label", "text"] else {
            throw EvaluationError.badHeader
        }
        var rows: [LabelledRow] = []
        for record in records.dropFirst() where record.count == 2 {
            guard let label = SentimentLabel(rawValue: record[0]) else { throw EvaluationError.badLabel(record[0]) }
            rows.append(LabelledRow(label: label, text: record[1], index: rows.count))
        }
        return rows
    }

    enum EvaluationError: Error {
        case badHeader
        case badLabel(String)
    }
}

/// Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF line ends.
enum CSVReader {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func endRecord() {
            record.append(field)
            field = ""
            if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
            record = []
        }
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",": record.append(field); field = ""
            case "\r":
                if let next = iterator.next(), next != "\n" { pending = next }
                endRecord()
            case "\n": endRecord()
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        return records
    }
}

/// Accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix.
struct Metrics {
    static let order: [SentimentLabel] = [.positive, .neutral, .negative]
    /// confusion[truth][prediction]
    var confusion: [SentimentLabel: [SentimentLabel: Int]] = [:]
    var total = 0
    var correct = 0

    mutating func add(truth: SentimentLabel, predicted: SentimentLabel) {
        confusion[truth, default: [:]][predicted, default: 0] += 1
        total += 1
        if truth == predicted { correct += 1 }
    }

    var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    func precision(_ label: SentimentLabel) -> Double {
        let predicted = Self.order.reduce(0) { $0 + (confusion[$1]?[label] ?? 0) }
        return predicted == 0 ? 0 : Double(confusion[label]?[label] ?? 0) / Double(predicted)
    }

    func recall(_ label: SentimentLabel) -> Double {
        let actual = confusion[label]?.values.reduce(0, +) ?? 0
        return actual == 0 ? 0 : Double(confusion[label]?[label] ?? 0) / Double(actual)
    }

    func f1(_ label: SentimentLabel) -> Double {
        let p = precision(label)
        let r = recall(label)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    var macroF1: Double { Self.order.map(f1).reduce(0, +) / Double(Self.order.count) }

    func report(_ title: String) -> String {
        func pct(_ value: Double) -> String { String(format: "%5.1f%%", value * 100) }
        var lines = ["\(title): n=\(total)  accuracy \(pct(accuracy))  macro-F1 \(String(format: "%.3f", macroF1))"]
        for label in Self.order {
            lines.append("    \(label.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  precision \(pct(precision(label)))  recall \(pct(recall(label)))  F1 \(String(format: "%.3f", f1(label)))")
        }
        lines.append("    confusion (rows = truth, columns = predicted: positive neutral negative)")
        for truth in Self.order {
            let cells = Self.order.map { String(format: "%6d", confusion[truth]?[$0] ?? 0) }.joined(separator: " ")
            lines.append("    \(truth.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(cells)")
        }
        return lines.joined(separator: "\n")
    }
}

@Suite("SentimentEvaluation")
struct SentimentEvaluation {
    @Test("metrics arithmetic")
    func metricsArithmetic() {
        var metrics = Metrics()
        metrics.add(truth: .positive, predicted: .positive)
        metrics.add(truth: .positive, predicted: .negative)
        metrics.add(truth: .negative, predicted: .negative)
        metrics.add(truth: .neutral, predicted: .positive)
        #expect(metrics.accuracy == 0.5)
        #expect(metrics.precision(.positive) == 0.5)
        #expect(metrics.recall(.positive) == 0.5)
        #expect(metrics.precision(.negative) == 0.5)
        #expect(metrics.recall(.negative) == 1)
        #expect(metrics.f1(.neutral) == 0)
        #expect(abs(metrics.macroF1 - (0.5 + 2.0 / 3.0 + 0) / 3) < 1e-12)
    }

    @Test("CSV reader handles quotes and line ends")
    func csvReader() {
        let records = CSVReader.parse("label,text\r\npositive,\"a, \"\"quoted\"\" text\"\nnegative,plain\n")
        #expect(records == [["label", "text"], ["positive", "a, \"quoted\" text"], ["negative", "plain"]])
    }

    @Test("evaluate on the labelled dataset (held-out split and whole set, with baselines)",
          .enabled(if: EvaluationData.path != nil, "skipped: set TANDEM_SENTIMENT_DATASET"))
    func evaluateDataset() throws {
        guard let path = EvaluationData.path else {
            print("skipped: set TANDEM_SENTIMENT_DATASET")
            return
        }
        let rows = try EvaluationData.load(path)
        #expect(rows.count > 1_000)
        let scorer = try SentimentScorer()

        // Majority class is decided on the tuning rows only.
        var trainCounts: [SentimentLabel: Int] = [:]
        for row in rows where !row.isHeldOut { trainCounts[row.label, default: 0] += 1 }
        let majority = Metrics.order.max { (trainCounts[$0] ?? 0) < (trainCounts[$1] ?? 0) } ?? .positive

        var majorityHeld = Metrics(), majorityAll = Metrics()
        var lexiconHeld = Metrics(), lexiconAll = Metrics()
        var tandemHeld = Metrics(), tandemAll = Metrics()
        for row in rows {
            let tokens = scorer.tokenize(row.text)
            let sum = scorer.plainLexiconSum(tokens: tokens)
            let lexiconLabel: SentimentLabel = sum > 0 ? .positive : (sum < 0 ? .negative : .neutral)
            let tandemLabel = scorer.score(row.text).label
            majorityAll.add(truth: row.label, predicted: majority)
            lexiconAll.add(truth: row.label, predicted: lexiconLabel)
            tandemAll.add(truth: row.label, predicted: tandemLabel)
            if row.isHeldOut {
                majorityHeld.add(truth: row.label, predicted: majority)
                lexiconHeld.add(truth: row.label, predicted: lexiconLabel)
                tandemHeld.add(truth: row.label, predicted: tandemLabel)
            }
        }
        let heldCount = rows.filter(\.isHeldOut).count
        var out: [String] = []
        out.append("== Sentiment evaluation: \(rows.count) rows, held-out \(heldCount) (every 5th row), tuning \(rows.count - heldCount)")
        out.append("weights: \(scorer.weights)")
        out.append(tandemHeld.report("Tandem scorer, HELD-OUT"))
        out.append(majorityHeld.report("Baseline majority class (\(majority.rawValue)), HELD-OUT"))
        out.append(lexiconHeld.report("Baseline plain lexicon sum (sign, no rules), HELD-OUT"))
        out.append(tandemAll.report("Tandem scorer, WHOLE SET"))
        out.append(majorityAll.report("Baseline majority class (\(majority.rawValue)), WHOLE SET"))
        out.append(lexiconAll.report("Baseline plain lexicon sum (sign, no rules), WHOLE SET"))
        func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2fx", b == 0 ? 0 : a / b) }
        out.append("Held-out ratios: accuracy \(ratio(tandemHeld.accuracy, majorityHeld.accuracy)) vs majority, "
            + "\(ratio(tandemHeld.accuracy, lexiconHeld.accuracy)) vs lexicon sum; "
            + "macro-F1 \(ratio(tandemHeld.macroF1, majorityHeld.macroF1)) vs majority, "
            + "\(ratio(tandemHeld.macroF1, lexiconHeld.macroF1)) vs lexicon sum")
        print(out.joined(separator: "\n"))
        // The rules must beat both baselines on held-out data, or the scorer is not worth shipping.
        #expect(tandemHeld.macroF1 > lexiconHeld.macroF1)
        #expect(tandemHeld.accuracy > majorityHeld.accuracy)
    }
}
