import Foundation

/// Recognises a file's type from its bytes, never from its name.
enum AttachmentSniffer {
    enum Verdict: Equatable {
        case kind(AttachmentKind)
        /// A UTF-8 text file; whether it is CSV or plain text only the name can tell.
        case utf8Text
        /// Recognised, and refused for a reason worth telling the uploader.
        case refused(String)
        case unknown
    }

    static func sniff(_ bytes: Data) -> Verdict {
        let head = [UInt8](bytes.prefix(16))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .kind(.png) }
        if starts([0xFF, 0xD8, 0xFF]) { return .kind(.jpeg) }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .kind(.gif) }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .kind(.webp) }
        if starts(Array("%PDF-".utf8)) { return .kind(.pdf) }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return OfficeZip.sniff(bytes) }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return .refused("It is an old-style Office file (.doc, .xls or .ppt). Save it as .docx, .xlsx or .pptx and upload that.")
        }
        return isPlainText(bytes) ? .utf8Text : .unknown
    }

    /// Valid UTF-8 (BOM allowed) with no control characters other than tab, newlines and form
    /// feed, which rules out binaries that happen to decode.
    static func isPlainText(_ bytes: Data) -> Bool {
        guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        return !bytes.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C || $0 == 0x7F }
    }
}
