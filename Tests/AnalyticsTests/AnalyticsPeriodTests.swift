@testable import Analytics
import Foundation
import TandemCore
import Testing

@Suite("Analytics periods and adjusted rates")
struct AnalyticsPeriodTests {
    @Test("periods must be real dates, in order, at most two years long; none means the last 90 days")
    func periods() throws {
        let period = try AnalyticsPeriod(from: "2026-03-01", to: "2026-03-31")
        #expect(period.start == 1_772_323_200_000 && period.end == 1_775_001_600_000, "from midnight UTC on the 1st to midnight after the 31st")
        #expect(try AnalyticsPeriod(from: "2026-03-01", to: "2026-03-01").end - period.start == 86_400_000, "one day")
        func message(_ from: String?, _ to: String?) -> String? {
            do { _ = try AnalyticsPeriod.parse(from: from, to: to); return nil } catch let error as AppError { return error.message } catch { return "\(error)" }
        }
        #expect(message("2026-03-31", "2026-03-01")?.contains("ends (2026-03-01) before it starts (2026-03-31)") == true)
        #expect(message("2026-02-29", "2026-03-01")?.contains("\"2026-02-29\" is not a date") == true, "2026 is no leap year")
        #expect(message("2026-3-1", "2026-03-05")?.contains("YYYY-MM-DD") == true)
        #expect(message("2026-03-01", nil)?.contains("end date") == true)
        #expect(message(nil, "2026-03-01")?.contains("start date") == true)
        #expect(message("2024-01-01", "2026-01-02")?.contains("at most 731") == true)
        #expect(message("2024-01-01", "2025-12-31") == nil)
        let recent = try AnalyticsPeriod.parse(from: nil, to: "", now: Date(timeIntervalSince1970: 1_775_001_600))
        #expect(recent.to == "2026-04-01" && recent.from == "2026-01-02", "90 days including today")
    }

    @Test("Wilson lower bound against hand-computed values")
    func wilson() {
        // p = 0.5, n = 10: (0.5 + 0.19207) - 1.95996·√((0.025 + 0.0096036)) / 1.38415 = 0.23659
        #expect(abs(wilsonLowerBound(5, 10) - 0.236593) < 1e-5)
        #expect(abs(wilsonLowerBound(500, 1_000) - 0.469072) < 1e-5)
        #expect(wilsonLowerBound(0, 0) == 0 && wilsonLowerBound(0, 10) == 0)
        #expect(wilsonLowerBound(5, 5) < wilsonLowerBound(900, 1_000), "3 of 3 ranks below 90% of a thousand")
    }
}
