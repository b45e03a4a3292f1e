import SQLKit
import TandemStore

/// Directory text search through the trigram index of migration 34.
///
/// A trigram index finds the rows holding a rare term at once, but for a term that most rows
/// hold ("son" is in every `person…@` email) it would list hundreds of thousands of rows only for
/// the first 51 to be kept, while a scan in id order finds them among the first few hundred.
/// So a search first scans the next `searchScanWindow` ids after the cursor (a primary-key range,
/// a few milliseconds), and only when that does not fill the page asks the index for the rest.
/// By then the term is known to be rare enough (fewer than a page per window) that the index
/// answers with few rows. Both parts apply the same `LIKE`, so the result is exactly the scan's.
extension EmployeeStore {
    static let defaultSearchScanWindow: Int64 = 10_000

    /// The search term as matched: lower-cased (as `search_text` is) and without `%` and `_`,
    /// which are never wildcards here.
    static func searchLiteral(_ term: String) -> String {
        term.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }

    /// Trigram indexes only answer `LIKE '%term%'` for terms of at least three characters
    /// (code points, as both FTS5's trigram tokenizer and pg_trgm count them).
    static func usesTrigramIndex(_ literal: String) -> Bool {
        literal.unicodeScalars.count >= 3
    }

    func searchRows(pattern: String, conditions: [SQLQueryString], after: Int64, limit: Int, includeSensitive: Bool) async throws -> [Employee] {
        let (sum, overflow) = after.addingReportingOverflow(searchScanWindow)
        let windowEnd = overflow ? Int64.max : sum
        let scanned = try await employees(
            where: ["id > \(bind: after)", "id <= \(bind: windowEnd)"] + conditions, limit: limit, includeSensitive: includeSensitive)
        guard scanned.count < limit, windowEnd < Int64.max else { return scanned }
        var indexed = conditions
        if database.dialect.trigramIndex == .ftsTable {
            // The `LIKE` on `employees.search_text` stays among `conditions`: FTS5 narrows, it decides.
            indexed.append("id IN (SELECT rowid FROM employee_search WHERE employee_search.search_text LIKE \(bind: pattern))")
        }
        let rest = try await employees(
            where: ["id > \(bind: windowEnd)"] + indexed, limit: limit - scanned.count, includeSensitive: includeSensitive)
        return scanned + rest
    }
}
