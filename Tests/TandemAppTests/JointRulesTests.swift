import Listening
import Testing

@Suite("Read together: matching groups and the correlation")
struct JointRulesTests {
    @Test("engagement values match survey groups by label, fall under Other when the survey has it, and stay apart otherwise")
    func matching() {
        let withOther: Set<String> = ["Sales", "Legal", "Other"]
        #expect(JointRules.rowValue(forEngagement: "Sales", surveyValues: withOther) == "Sales")
        #expect(JointRules.rowValue(forEngagement: "Finance", surveyValues: withOther) == "Other")
        #expect(JointRules.rowValue(forEngagement: "Finance", surveyValues: ["Sales", "Legal"]) == "Finance")
        #expect(JointRules.rowValue(forEngagement: "Finance", surveyValues: []) == "Finance")
    }

    @Test("Pearson's r by hand; none for fewer than 3 pairs or without spread")
    func pearson() throws {
        let r = try #require(JointRules.pearson([(1, 2), (2, 4), (3, 7)]))
        // x̄ = 2, ȳ = 13/3: Σdxdy = 5, Σdx² = 2, Σdy² = 38/3 → 5 / √(76/3).
        #expect(abs(r - 5 / (76.0 / 3).squareRoot()) < 1e-12)
        #expect(JointRules.pearson([(1, 1), (2, 2)]) == nil)
        #expect(JointRules.pearson([(1, 1), (1, 2), (1, 3)]) == nil)
        #expect(JointRules.pearson([(1, 3), (2, 2), (3, 1)]) == -1)
        #expect(JointRules.strength(0.84) == "a strong" && JointRules.strength(-0.5) == "a moderate" && JointRules.strength(0.1) == "no clear")
    }
}
