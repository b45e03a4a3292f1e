public import Foundation
public import Hummingbird
import MultipartKit
import NIOCore

/// A `multipart/form-data` post (file uploads), parsed with MultipartKit.
public struct MultipartForm: Sendable {
    public struct File: Sendable {
        public let fileName: String
        public let data: Data
    }

    public private(set) var fields: [String: String] = [:]
    public private(set) var files: [String: File] = [:]

    public subscript(name: String) -> String? { fields[name] }
}

extension Request {
    public func multipart(context: TandemContext) async throws -> MultipartForm {
        let buffer: ByteBuffer
        do { buffer = try await body.collect(upTo: context.bodyLimit) } catch { throw AppError.tooLarge(limit: context.bodyLimit) }
        return try MultipartForm.parse(buffer, contentType: headers[.contentType] ?? "")
    }
}

extension MultipartForm {
    public static func parse(_ buffer: ByteBuffer, contentType type: String) throws -> MultipartForm {
        guard type.lowercased().hasPrefix("multipart/form-data"),
            let boundaryRange = type.range(of: "boundary=", options: .caseInsensitive)
        else {
            throw AppError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send this form as multipart/form-data (a file upload).")
        }
        let boundary = type[boundaryRange.upperBound...].split(separator: ";")[0].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))

        var form = MultipartForm()
        var headers: [String: String] = [:]
        var body = ByteBuffer()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { chunk in body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            let disposition = headers["content-disposition"] ?? ""
            let name = parameter("name", in: disposition) ?? ""
            if let fileName = parameter("filename", in: disposition) {
                form.files[name] = MultipartForm.File(fileName: fileName, data: Data(buffer: body))
            } else {
                form.fields[name] = String(buffer: body)
            }
            headers = [:]
            body = ByteBuffer()
        }
        do {
            try parser.execute(buffer)
        } catch {
            throw AppError.badRequest("The upload could not be read. Choose the file again and resend the form.", code: "invalid_multipart")
        }
        return form
    }

    /// `name="x"` from a Content-Disposition header value.
    private static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.trimmed.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == key {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}
