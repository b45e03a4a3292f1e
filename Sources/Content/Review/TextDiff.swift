/// The shortest edit script between two token sequences (Myers' O(ND) algorithm), used to
/// show reviewers what changed between two versions of a post.
public enum TextDiff {
    public enum Op: String, Sendable, Codable, Equatable, CaseIterable { case same, added, removed }

    public struct Piece: Sendable, Codable, Equatable {
        public let op: Op
        public let text: String
        public init(_ op: Op, _ text: String) {
            self.op = op
            self.text = text
        }
    }

    /// Past this many differences the two texts are shown as replaced wholesale: the search
    /// keeps one row per difference, and a diff that large is no help to a reader anyway.
    public static let maximumDifferences = 2_000

    public static func diff(_ a: [String], _ b: [String]) -> [Piece] {
        // Edits are usually local: strip the common ends so the search only sees the middle.
        var start = 0
        while start < a.count, start < b.count, a[start] == b[start] { start += 1 }
        var endA = a.count, endB = b.count
        while endA > start, endB > start, a[endA - 1] == b[endB - 1] {
            endA -= 1
            endB -= 1
        }
        let head = a[..<start].map { Piece(.same, $0) }
        let tail = a[endA...].map { Piece(.same, $0) }
        let middle = myers(Array(a[start..<endA]), Array(b[start..<endB]))
            ?? (a[start..<endA].map { Piece(.removed, $0) } + b[start..<endB].map { Piece(.added, $0) })
        return head + middle + tail
    }

    /// nil when the texts differ in more than `maximumDifferences` places.
    static func myers(_ a: [String], _ b: [String]) -> [Piece]? {
        let n = a.count, m = b.count
        if n == 0 { return b.map { Piece(.added, $0) } }
        if m == 0 { return a.map { Piece(.removed, $0) } }
        let limit = min(n + m, maximumDifferences)
        let offset = limit + 1
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        // trace[d] holds v[-d-1 ... d+1] as it was before step d.
        var trace: [[Int]] = []
        var found = false
        search: for d in 0...limit {
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n && y >= m {
                    found = true
                    break search
                }
            }
        }
        guard found else { return nil }
        var pieces: [Piece] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let row = trace[d]
            func at(_ k: Int) -> Int { row[k + d + 1] }
            let k = x - y
            let previousK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1
            let previousX = at(previousK), previousY = previousX - previousK
            while x > previousX, y > previousY {
                pieces.append(Piece(.same, a[x - 1]))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if x == previousX { pieces.append(Piece(.added, b[y - 1])) } else { pieces.append(Piece(.removed, a[x - 1])) }
            }
            x = previousX
            y = previousY
        }
        return pieces.reversed()
    }

    /// Lines, for bodies.
    public static func lines(_ old: String, _ new: String) -> [Piece] {
        diff(old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
             new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    /// Words and the spaces between them, for one-line fields; runs of one kind are merged.
    public static func words(_ old: String, _ new: String) -> [Piece] {
        var merged: [Piece] = []
        for piece in diff(tokens(old), tokens(new)) {
            if let last = merged.last, last.op == piece.op {
                merged[merged.count - 1] = Piece(last.op, last.text + piece.text)
            } else {
                merged.append(piece)
            }
        }
        return merged
    }

    static func tokens(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var inSpace = false
        for c in text {
            let space = c.isWhitespace
            if !current.isEmpty && space != inSpace {
                result.append(current)
                current = ""
            }
            inSpace = space
            current.append(c)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Line pieces with unchanged runs cut down to `context` lines around each change; a cut is
    /// a `same` piece whose text says how many lines it stands for.
    public static func hunks(_ pieces: [Piece], context: Int = 3) -> [Piece?] {
        var keep = [Bool](repeating: false, count: pieces.count)
        for (i, piece) in pieces.enumerated() where piece.op != .same {
            for j in max(0, i - context)...min(pieces.count - 1, i + context) { keep[j] = true }
        }
        var result: [Piece?] = []
        var skipped = false
        for (i, piece) in pieces.enumerated() {
            if keep[i] {
                result.append(piece)
                skipped = false
            } else if !skipped {
                result.append(nil)
                skipped = true
            }
        }
        return result
    }
}
