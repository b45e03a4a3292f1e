import Foundation

/// The words of a survey's invitation and reminders, by email and by SMS. Each carries the
/// person's own signed link (`/s/…`), which opens the survey without signing in.
enum SurveyNotice {
    struct Email: Equatable {
        let subject: String
        let text: String
        let html: String
    }

    static func email(_ survey: Survey, wording: SurveyWording, round: Int, link: String) -> Email {
        let subject = (round > 0 ? "Reminder: " : "Survey: ") + wording.title
        var paragraphs: [String] = []
        if round > 0 { paragraphs.append("You have not answered this survey yet. It takes a few minutes, and every answer counts.") }
        if !wording.intro.isEmpty { paragraphs.append(wording.intro) }
        paragraphs.append(survey.mode.promise)
        let closing = survey.closesOn.map { "It is open until \($0)." }
        let text = ([wording.title] + paragraphs + ["Answer here: \(link)"] + (closing.map { [$0] } ?? [])).joined(separator: "\n\n") + "\n"
        let html = "<h1>\(escape(wording.title))</h1>" + paragraphs.map { "<p>\(escape($0))</p>" }.joined()
            + "<p><a href=\"\(escape(link))\">Answer the survey</a></p>" + (closing.map { "<p>\(escape($0))</p>" } ?? "")
        return Email(subject: subject, text: text, html: html)
    }

    /// One text message: the title is cut so the whole fits in about two SMS parts.
    static func sms(_ wording: SurveyWording, round: Int, link: String) -> String {
        let title = wording.title.count > 60 ? String(wording.title.prefix(59)) + "…" : wording.title
        return (round > 0 ? "Reminder: " : "") + "\(title): please answer our short survey. \(link)"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
