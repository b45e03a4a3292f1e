import Foundation
import Testing
@testable import Sentiment

/// Chooses `SentimentWeights.tuned` by coordinate descent on macro-F1 over the tuning
/// rows only (every row whose index % 5 != 4). Held-out rows are never scored here.
/// Run with TANDEM_SENTIMENT_DATASET=/path.csv TANDEM_SENTIMENT_TUNE=1; it prints the
/// best weights, which are then copied into SentimentScorer.swift by hand.
@Suite("SentimentTuning")
struct SentimentTuning {
    static var enabled: Bool {
        EvaluationData.path != nil && ProcessInfo.processInfo.environment["TANDEM_SENTIMENT_TUNE"] != nil
    }

    @Test("tune weights on the tuning split", .enabled(if: SentimentTuning.enabled, "skipped: set TANDEM_SENTIMENT_DATASET and TANDEM_SENTIMENT_TUNE"))
    func tune() throws {
        guard let path = EvaluationData.path else { return }
        let scorer = try SentimentScorer()
        let rows = try EvaluationData.load(path).filter { !$0.isHeldOut }
        let prepared = rows.map { (scorer.tokenize($0.text), $0.label) }

        func macroF1(_ weights: SentimentWeights) -> Double {
            var metrics = Metrics()
            for (tokens, label) in prepared {
                metrics.add(truth: label, predicted: scorer.score(tokens: tokens, weights: weights).label)
            }
            return metrics.macroF1
        }

        typealias Axis = (name: String, apply: [(inout SentimentWeights) -> Void])
        func axis<T>(_ name: String, _ keyPath: WritableKeyPath<SentimentWeights, T>, _ values: [T]) -> Axis {
            (name, values.map { value in { (weights: inout SentimentWeights) in weights[keyPath: keyPath] = value } })
        }
        let axes: [Axis] = [
            axis("neutralBand", \.neutralBand, [0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3]),
            axis("lengthExponent", \.lengthExponent, [0, 0.25, 0.5, 0.75, 1]),
            axis("negatedPositive", \.negatedPositive, [0.3, 0.5, 0.7, 0.9, 1.1]),
            axis("negatedNegative", \.negatedNegative, [0.2, 0.35, 0.5, 0.7, 0.9]),
            axis("negationScope", \.negationScope, [1, 2, 3, 4]),
            axis("modifierStrength", \.modifierStrength, [0, 0.5, 1, 1.5, 2]),
            axis("capsBoost", \.capsBoost, [1, 1.15, 1.3, 1.5]),
            axis("elongationBoost", \.elongationBoost, [1, 1.15, 1.3]),
            axis("exclamationStep", \.exclamationStep, [0, 0.05, 0.1, 0.15, 0.2, 0.3]),
            axis("questionFactor", \.questionFactor, [0.3, 0.5, 0.7, 0.85, 1]),
            axis("beforeContrast", \.beforeContrast, [0.25, 0.5, 0.75, 1]),
            axis("afterContrast", \.afterContrast, [1, 1.25, 1.5, 2]),
            axis("likeRule", \.likeRule, [true, false]),
        ]

        var best = SentimentWeights.tuned
        var bestScore = macroF1(best)
        print("tuning on \(prepared.count) rows; start macro-F1 \(String(format: "%.4f", bestScore))")
        for round in 1...3 {
            let before = bestScore
            for (name, setters) in axes {
                for set in setters {
                    var candidate = best
                    set(&candidate)
                    guard candidate != best else { continue }
                    let value = macroF1(candidate)
                    // Strictly better by a margin, so ties keep the earlier (hand-picked) value.
                    if value > bestScore + 0.0005 {
                        bestScore = value
                        best = candidate
                        print("round \(round) \(name): macro-F1 \(String(format: "%.4f", value))")
                    }
                }
            }
            if bestScore <= before { break }
        }
        print("best tuning macro-F1 \(String(format: "%.4f", bestScore))\nbest weights: \(best)")
        #expect(bestScore >= 0)
    }
}
