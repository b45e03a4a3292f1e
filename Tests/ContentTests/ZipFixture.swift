import Foundation

/// Builds small uncompressed ZIP archives (PKWARE APPNOTE 4.3) for the Office sniffing tests.
enum ZipFixture {
    static func archive(_ names: [String], comment: String = "") -> Data {
        var body = Data()
        var directory = Data()
        for name in names {
            let offset = body.count
            let nameBytes = Data(name.utf8)
            let content = Data("<x/>".utf8)
            body += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0)
            body += le32(0) + le32(UInt32(content.count)) + le32(UInt32(content.count))
            body += le16(UInt16(nameBytes.count)) + le16(0) + nameBytes + content
            directory += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0)
            directory += le32(0) + le32(UInt32(content.count)) + le32(UInt32(content.count))
            directory += le16(UInt16(nameBytes.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(UInt32(offset))
            directory += nameBytes
        }
        let commentBytes = Data(comment.utf8)
        let end = le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(names.count)) + le16(UInt16(names.count))
            + le32(UInt32(directory.count)) + le32(UInt32(body.count)) + le16(UInt16(commentBytes.count)) + commentBytes
        return body + directory + end
    }

    static func office(_ mainPart: String, extra: [String] = []) -> Data {
        archive(["[Content_Types].xml", "_rels/.rels", mainPart] + extra)
    }

    private static func le16(_ value: UInt16) -> Data { Data([UInt8(value & 0xFF), UInt8(value >> 8)]) }
    private static func le32(_ value: UInt32) -> Data { le16(UInt16(value & 0xFFFF)) + le16(UInt16(value >> 16)) }
}
