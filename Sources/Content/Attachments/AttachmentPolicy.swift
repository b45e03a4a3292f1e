public import Foundation
public import TandemCore

/// An upload that passed every check, ready for a `BlobStore`.
public struct CheckedAttachment: Sendable, Equatable {
    public let kind: AttachmentKind
    public let fileName: String
    public let byteCount: Int
    public var mimeType: String { kind.mimeType }
}

/// Decides whether an upload may be attached to a post: a known type judged by its content,
/// within that type's size limit, and named and declared consistently with that content.
public struct AttachmentPolicy: Sendable {
    public var maxBytes: [AttachmentKind: Int]

    public init(maxBytes: [AttachmentKind: Int] = AttachmentPolicy.defaultLimits) {
        self.maxBytes = maxBytes
    }

    public static let megabyte = 1_048_576
    public static let defaultLimits: [AttachmentKind: Int] = [
        .png: 10 * megabyte, .jpeg: 10 * megabyte, .gif: 10 * megabyte, .webp: 10 * megabyte,
        .pdf: 25 * megabyte, .docx: 25 * megabyte, .xlsx: 25 * megabyte, .pptx: 50 * megabyte,
        .text: 2 * megabyte, .csv: 10 * megabyte,
    ]

    /// The largest upload any type allows: a route can refuse bigger bodies before reading them.
    public var largestAllowed: Int { maxBytes.values.max() ?? 0 }

    static let acceptedList = "PNG, JPEG, GIF or WebP images, PDF, plain text or CSV, or Word, Excel or PowerPoint files (.docx, .xlsx, .pptx)"

    /// Checks an upload. `declaredType` is the client's `Content-Type` for the part, if any.
    /// Throws `AppError.invalid` on the `file` field with a sentence saying what to do.
    public func check(_ bytes: Data, fileName rawName: String, declaredType: String? = nil) throws -> CheckedAttachment {
        var name = SafeFileName.clean(rawName)
        let shownName = name.isEmpty ? "The file" : "'\(name)'"
        guard !bytes.isEmpty else {
            throw AppError.invalid("file", "\(shownName) is empty. Choose the file again; if it is still empty, save it again and upload the new copy.")
        }
        guard bytes.count <= largestAllowed else {
            throw AppError.invalid("file", "\(shownName) is \(Self.size(bytes.count)); no attachment may exceed \(Self.size(largestAllowed)). Compress or split it and upload again.")
        }
        let ext = SafeFileName.fileExtension(name)
        let kind: AttachmentKind
        switch AttachmentSniffer.sniff(bytes) {
        case .kind(let sniffed):
            kind = sniffed
        case .utf8Text:
            kind = ext == "csv" ? .csv : .text
        case .refused(let reason):
            throw AppError.invalid("file", "\(shownName) cannot be attached. \(reason)")
        case .unknown:
            throw AppError.invalid("file", "\(shownName) is not a type Tandem accepts. Upload \(Self.acceptedList).")
        }
        if let ext, !AttachmentKind.allCases.contains(where: { $0.extensions.contains(ext) }) {
            throw AppError.invalid("file", "\(shownName): .\(ext) files are not accepted. Upload \(Self.acceptedList).")
        }
        if let ext, !kind.extensions.contains(ext) {
            throw AppError.invalid("file", "\(shownName) is named as a .\(ext) file but its content is \(kind.label). Rename it to .\(kind.extensions[0]), or export it again in the format you meant.")
        }
        if let declared = declaredType.map(Self.mediaType), !declared.isEmpty, declared != "application/octet-stream",
            !kind.acceptedDeclaredTypes.contains(declared)
        {
            throw AppError.invalid("file", "\(shownName) was sent as \(declared) but its content is \(kind.label). Upload the original file again; if it keeps failing, save it anew in the format you meant.")
        }
        if let limit = maxBytes[kind], bytes.count > limit {
            throw AppError.invalid("file", "\(shownName) is \(Self.size(bytes.count)); \(kind.label) may be at most \(Self.size(limit)). Compress or resize it and upload again.")
        }
        guard maxBytes[kind] != nil else {
            throw AppError.invalid("file", "\(shownName) is \(kind.label), which this server does not accept. Upload \(Self.acceptedList).")
        }
        if name.isEmpty { name = "attachment" }
        if ext == nil { name = SafeFileName.shortened(name + "." + kind.extensions[0]) }
        return CheckedAttachment(kind: kind, fileName: name, byteCount: bytes.count)
    }

    /// `Text/CSV; charset=utf-8` → `text/csv`.
    static func mediaType(_ header: String) -> String {
        header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    static func size(_ bytes: Int) -> String {
        bytes >= megabyte ? String(format: "%.1f MB", Double(bytes) / Double(megabyte)) : bytes >= 1024 ? "\((bytes + 1023) / 1024) KB" : "\(bytes) bytes"
    }
}
