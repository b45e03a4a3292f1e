public import Foundation
public import Hummingbird
import NIOCore

/// Small helpers so handlers stay thin.
public enum Reply {
    public static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    public static func text(_ body: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    public static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONCoding.encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// 303 so a POST is followed by a GET (post/redirect/get).
    public static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    public static func noContent() -> Response { Response(status: .noContent) }

    public static func download(_ body: String, filename: String, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: contentType, .contentDisposition: "attachment; filename=\"\(filename)\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

extension Request {
    /// Reads the whole body, refusing more than the configured limit with 413.
    public func bodyText(context: TandemContext) async throws -> String {
        do {
            let buffer = try await body.collect(upTo: context.bodyLimit)
            return String(buffer: buffer)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw AppError.tooLarge(limit: context.bodyLimit)
        }
    }

    /// Parses a form post; refuses other content types with a clear message.
    public func form(context: TandemContext) async throws -> FormData {
        let type = headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw AppError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send this form as application/x-www-form-urlencoded.")
        }
        let body = try await bodyText(context: context)
        if body.range(of: "%00", options: .caseInsensitive) != nil {
            throw AppError(.badRequest, code: "invalid_text", message: "The form must not contain NUL characters.")
        }
        return FormData(body)
    }

    /// Decodes a JSON body into `T`, turning decoding failures into a 400 that names the problem.
    /// A raw NUL, or the JSON escape `\u0000` in any letter case. Byte by byte: Foundation's
    /// case-insensitive search showed in the beacon profile.
    static func containsNUL(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0 { return true }
            if byte == 92, index + 5 < bytes.count, bytes[index + 1] | 0x20 == 117,
               bytes[index + 2] == 48, bytes[index + 3] == 48, bytes[index + 4] == 48, bytes[index + 5] == 48 {
                return true
            }
            // An escaped backslash is not the start of an escape.
            index += byte == 92 && index + 1 < bytes.count && bytes[index + 1] == 92 ? 2 : 1
        }
        return false
    }

    public func json<T: Decodable>(_ type: T.Type, context: TandemContext) async throws -> T {
        let contentType = headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw AppError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send the body as JSON with 'Content-Type: application/json'.")
        }
        let text = try await bodyText(context: context)
        if Self.containsNUL(text) {
            throw AppError(.badRequest, code: "invalid_text", message: "Text must not contain NUL characters (\\u0000).")
        }
        do {
            return try JSONCoding.decoder.decode(T.self, from: Data(text.utf8))
        } catch let error as AppError {
            throw error  // from a strict decoder (`StrictKeys`)
        } catch let DecodingError.keyNotFound(key, _) {
            throw AppError(.badRequest, code: "missing_field", message: "The field '\(key.stringValue.snakeCased)' is required.", field: key.stringValue.snakeCased)
        } catch let DecodingError.typeMismatch(_, context) {
            let field = context.codingPath.last?.stringValue.snakeCased
            throw AppError(.badRequest, code: "invalid_json", message: "The field '\(field ?? "body")' has the wrong type.", field: field)
        } catch let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.last?.stringValue.snakeCased
            throw AppError(.badRequest, code: "invalid_json", message: "The field '\(field ?? "body")' must not be null.", field: field)
        } catch {
            throw AppError(.badRequest, code: "invalid_json", message: "The body is not valid JSON for this request.")
        }
    }

    public func query(_ name: String) -> String? {
        uri.queryParameters.get(name)
    }
}

extension String {
    /// camelCase → snake_case, for naming fields in errors the way the API spells them.
    public var snakeCased: String {
        var result = ""
        for character in self {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension Request {
    /// A trimmed query parameter of at most `max` characters. Absent gives nil; present but
    /// empty gives nil when `strict` is false (HTML filter forms send every field) and a 400
    /// when it is true (API callers should leave the parameter out).
    public func queryText(_ name: String, max: Int, strict: Bool) throws -> String? {
        guard let raw = query(name)?.trimmed else { return nil }
        if raw.isEmpty {
            if strict { throw AppError(.badRequest, code: "invalid_parameter", message: "'\(name)' is empty; give it a value or leave it out.", field: name) }
            return nil
        }
        guard raw.count <= max else { throw AppError(.badRequest, code: "invalid_parameter", message: "'\(name)' is too long.", field: name) }
        return raw
    }
}

extension TandemContext {
    /// Path parameter `name` as a positive id, or a 404 naming `what` (an id that cannot exist names nothing).
    public func pathID(_ name: String = "id", what: String) throws -> Int64 {
        guard let raw = parameters.get(name), let id = Int64(raw), id > 0 else { throw AppError.notFound(what) }
        return id
    }
}
