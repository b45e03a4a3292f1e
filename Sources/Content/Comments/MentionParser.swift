/// Finds `@handle` mentions in comment text. A handle is an email address or the part before
/// its `@` (`@ana.silva`, `@ana.silva@example.com`). An `@` inside a word, as in an address
/// written out in the text, is not a mention.
public enum MentionParser {
    static func isHandle(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "%" || c == "+" || c == "-")
    }

    static func isDomain(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-") }

    /// Lower-cased handles in order of first appearance, without repeats.
    public static func handles(in text: String) -> [String] {
        var found: [String] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            defer { i += 1 }
            guard chars[i] == "@" else { continue }
            if i > 0, isHandle(chars[i - 1]) || chars[i - 1] == "@" || chars[i - 1] == "/" { continue }
            var j = i + 1
            while j < chars.count, isHandle(chars[j]) { j += 1 }
            var handle = String(chars[(i + 1)..<j])
            if j < chars.count, chars[j] == "@" {
                var k = j + 1
                while k < chars.count, isDomain(chars[k]) { k += 1 }
                let domain = String(chars[(j + 1)..<k]).trimmingDots
                if domain.contains(".") {
                    handle += "@" + domain
                    j = k
                }
            }
            handle = handle.trimmingDots
            i = j - 1
            guard !handle.isEmpty, handle.first!.isLetter || handle.first!.isNumber else { continue }
            let key = handle.lowercased()
            if !found.contains(key) { found.append(key) }
        }
        return found
    }
}

extension String {
    /// Without dots at the end: a mention can close a sentence.
    var trimmingDots: String {
        var s = Substring(self)
        while s.last == "." { s = s.dropLast() }
        return String(s)
    }
}
