/// A machine-translation service. Tandem ships one adapter (`LibreTranslateProvider`, for a
/// LibreTranslate server the organisation runs); others (DeepL, a cloud service) implement the
/// same call. Translations are drafts: a person checks them before the variant is approved.
public protocol TranslationProvider: Sendable {
    /// Shown to authors ("LibreTranslate at https://mt.example.com").
    var name: String { get }
    /// The texts translated from `source` to `target` (BCP 47 tags), in the same order.
    func translate(_ texts: [String], from source: String, to target: String) async throws -> [String]
}

/// Why a machine translation failed, worded for the author.
public struct TranslationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
