import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat

/// LibreTranslate's `POST /translate` (JSON: `q` as a list, `source`, `target`, `format`,
/// optional `api_key`; answer `translatedText` as a list). Languages go by their primary
/// subtag (`pt-BR` → `pt`), which is what LibreTranslate's models are keyed by.
public struct LibreTranslateProvider: TranslationProvider {
    public let endpoint: String
    let apiKey: String?
    let timeout: TimeAmount
    let client: HTTPClient
    /// Largest answer read, so a broken service cannot exhaust memory.
    static let maximumAnswer = 4 * 1_048_576

    public init(url: String, apiKey: String?, timeout: TimeAmount = .seconds(30), client: HTTPClient = .shared) {
        endpoint = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.apiKey = apiKey
        self.timeout = timeout
        self.client = client
    }

    public var name: String { "LibreTranslate at \(endpoint)" }

    struct Body: Encodable {
        let q: [String]
        let source: String
        let target: String
        let format: String
        let apiKey: String?
        enum CodingKeys: String, CodingKey { case q, source, target, format, apiKey = "api_key" }
    }

    struct Answer: Decodable { let translatedText: [String] }
    struct Failure: Decodable { let error: String }

    static func code(_ tag: String) -> String { String(tag.split(separator: "-").first ?? Substring(tag)).lowercased() }

    public func translate(_ texts: [String], from source: String, to target: String) async throws -> [String] {
        guard !texts.isEmpty else { return [] }
        var request = HTTPClientRequest(url: endpoint + "/translate")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        let body = try JSONEncoder().encode(Body(q: texts, source: Self.code(source), target: Self.code(target), format: "text", apiKey: apiKey))
        request.body = .bytes(ByteBuffer(data: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw TranslationError("The translation service at \(endpoint) could not be reached (\(error)). Check TANDEM_TRANSLATE_URL, or assign a person instead.")
        }
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: Self.maximumAnswer)
        } catch {
            throw TranslationError("The translation service's answer was too large or cut off; try again, or assign a person instead.")
        }
        guard response.status == .ok else {
            let reason = (try? JSONDecoder().decode(Failure.self, from: Data(buffer: bytes)))?.error ?? String(buffer: bytes).prefix(200).description
            throw TranslationError("The translation service answered \(response.status.code): \(reason). Check the languages and TANDEM_TRANSLATE_KEY, or assign a person instead.")
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(buffer: bytes)), answer.translatedText.count == texts.count else {
            throw TranslationError("The translation service answered something that is not a list of \(texts.count) translations; assign a person instead.")
        }
        return answer.translatedText
    }
}
