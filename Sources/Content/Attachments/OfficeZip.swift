import Foundation

/// Tells .docx, .xlsx and .pptx apart by the part names in the ZIP's central directory
/// (ECMA-376 Part 2; ZIP format per PKWARE APPNOTE 4.3.12 and 4.3.16). Only the directory is
/// read, nothing is decompressed, so a zip bomb costs nothing here.
enum OfficeZip {
    static func sniff(_ bytes: Data) -> AttachmentSniffer.Verdict {
        guard let names = entryNames(bytes) else {
            return .refused("It looks like a ZIP file but its directory cannot be read. Save the document again and upload the new copy.")
        }
        let lowered = Set(names.map { $0.lowercased() })
        guard lowered.contains("[content_types].xml") else {
            return .refused("It is a ZIP archive, which Tandem does not accept. Upload the files inside it one by one.")
        }
        // Macro-enabled files (.docm, .xlsm, .pptm) renamed to the plain extension.
        if lowered.contains(where: { $0.hasSuffix("vbaproject.bin") }) {
            return .refused("It contains macros, which Tandem does not accept. Save it without macros (as .docx, .xlsx or .pptx) and upload again.")
        }
        if lowered.contains("word/document.xml") { return .kind(.docx) }
        if lowered.contains("xl/workbook.xml") { return .kind(.xlsx) }
        if lowered.contains("ppt/presentation.xml") { return .kind(.pptx) }
        return .refused("It is an Office package of a kind Tandem does not accept. Upload a .docx, .xlsx or .pptx file.")
    }

    /// The names in the central directory, or nil when it is missing, truncated or ZIP64.
    static func entryNames(_ data: Data) -> [String]? {
        let bytes = [UInt8](data)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        // The end-of-central-directory record is 22 bytes plus a comment of up to 65,535.
        guard bytes.count >= 22 else { return nil }
        var end = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while end >= lowest, !(bytes[end] == 0x50 && bytes[end + 1] == 0x4B && bytes[end + 2] == 0x05 && bytes[end + 3] == 0x06) {
            end -= 1
        }
        guard end >= lowest else { return nil }
        let count = u16(end + 10)
        let offset = u32(end + 16)
        guard count != 0xFFFF, offset != 0xFFFF_FFFF, count <= 100_000 else { return nil }
        var names: [String] = []
        var position = offset
        for _ in 0..<count {
            guard position + 46 <= end, u32(position) == 0x0201_4B50 else { return nil }
            let nameLength = u16(position + 28)
            let skip = nameLength + u16(position + 30) + u16(position + 32)
            guard position + 46 + skip <= end else { return nil }
            names.append(String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self))
            position += 46 + skip
        }
        return names
    }
}
