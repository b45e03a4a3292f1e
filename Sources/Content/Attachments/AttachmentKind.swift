/// The file types a post may carry, as recognised from their content.
public enum AttachmentKind: String, Sendable, CaseIterable, Codable {
    case png, jpeg, gif, webp, pdf, text, csv, docx, xlsx, pptx

    /// The type sent when serving the file.
    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .pdf: "application/pdf"
        case .text: "text/plain; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        }
    }

    /// Types a browser or client may declare for this kind. Browsers disagree: Windows sends
    /// `application/vnd.ms-excel` for .csv, some send `image/jpg`.
    var acceptedDeclaredTypes: Set<String> {
        switch self {
        case .jpeg: ["image/jpeg", "image/jpg", "image/pjpeg"]
        case .text: ["text/plain"]
        case .csv: ["text/csv", "text/plain", "application/csv", "text/comma-separated-values", "application/vnd.ms-excel"]
        default: [mimeType]
        }
    }

    /// Extensions that name this kind; the first is the one added to names without one.
    var extensions: [String] {
        switch self {
        case .png: ["png"]
        case .jpeg: ["jpg", "jpeg", "jpe"]
        case .gif: ["gif"]
        case .webp: ["webp"]
        case .pdf: ["pdf"]
        case .text: ["txt", "text", "md"]
        case .csv: ["csv"]
        case .docx: ["docx"]
        case .xlsx: ["xlsx"]
        case .pptx: ["pptx"]
        }
    }

    /// How the kind is named in messages to people.
    public var label: String {
        switch self {
        case .png: "a PNG image"
        case .jpeg: "a JPEG image"
        case .gif: "a GIF image"
        case .webp: "a WebP image"
        case .pdf: "a PDF document"
        case .text: "plain text"
        case .csv: "a CSV file"
        case .docx: "a Word document (.docx)"
        case .xlsx: "an Excel workbook (.xlsx)"
        case .pptx: "a PowerPoint presentation (.pptx)"
        }
    }

    public var isImage: Bool { [.png, .jpeg, .gif, .webp].contains(self) }
}
