import Testing
@testable import Sentiment

@Suite("Themes")
struct ThemeFinderTests {
    let finder = ThemeFinder()

    @Test("stop words are never themes")
    func stopWordsExcluded() {
        let themes = finder.themes([
            "The parking is a problem and the canteen is too.",
            "The parking is full and we have no canteen seats.",
            "The parking, the canteen and the lifts.",
        ], limit: 20)
        let phrases = themes.map(\.phrase)
        #expect(phrases.contains("parking"))
        #expect(phrases.contains("canteen"))
        for stop in ["the", "is", "and", "a", "we", "too", "no"] {
            #expect(!phrases.contains(stop))
        }
    }

    @Test("a theme counts once per comment")
    func countedOncePerComment() {
        let themes = finder.themes([
            "Parking parking parking. Parking!",
            "Parking is hard.",
            "Lunch was fine.",
            "Nothing to add.",
        ], limit: 10)
        let parking = themes.first { $0.phrase == "parking" }
        #expect(parking?.count == 2)
        #expect(parking?.share == 0.5)
    }

    @Test("two-word phrases are found and do not cross stop words or punctuation")
    func phrases() {
        let themes = finder.themes([
            "Career growth is slow.",
            "More career growth please",
            "Career, growth and pay",
            "career of growth",
        ], limit: 10)
        let phrase = themes.first { $0.phrase == "career growth" }
        #expect(phrase?.count == 2)
        #expect(themes.first { $0.phrase == "career" }?.count == 4)
    }

    @Test("order: count descending, phrases before words, then alphabetical; limit applies")
    func ordering() {
        let comments = [
            "zebra crossing, apple",
            "zebra crossing, apple",
            "apple mango zebra",
            "mango banana",
            "banana",
        ]
        let themes = finder.themes(comments, limit: 10)
        #expect(themes.map(\.phrase) == ["apple", "zebra", "zebra crossing", "banana", "mango"])
        #expect(themes.map(\.count) == [3, 3, 2, 2, 2])
        // "crossing" only ever appears inside "zebra crossing" with the same count, so the phrase replaces it.
        #expect(!themes.contains { $0.phrase == "crossing" })
        #expect(finder.themes(comments, limit: 2).map(\.phrase) == ["apple", "zebra"])
        #expect(finder.themes(comments.reversed(), limit: 10) == themes)
    }

    @Test("single mentions are not recurring; empty input and zero limit give nothing")
    func edges() {
        #expect(finder.themes(["one unique remark"], limit: 5).isEmpty)
        #expect(finder.themes([], limit: 5).isEmpty)
        #expect(finder.themes(["desk desk", "desk"], limit: 0).isEmpty)
        #expect(finder.themes(["", "  "], limit: 5).isEmpty)
    }

    @Test("possessives count with their noun")
    func possessives() {
        let themes = finder.themes(["My manager's feedback", "manager feedback helps"], limit: 5)
        #expect(themes.first?.phrase == "manager feedback")
        #expect(themes.first?.count == 2)
    }
}
