public import SQLKit

/// A feature that keeps data about employees. One request can then export everything Tandem
/// holds about a person (GDPR Art. 15 and 20) or erase it (Art. 17) across features, in one
/// transaction, without the features reading each other's tables.
public protocol PersonalDataHolder: Sendable {
    /// The section name in the export, e.g. "people".
    var section: String { get }
    /// What this feature holds about the employee; nil when nothing.
    func personalData(employeeID: String) async throws -> (any Encodable & Sendable)?
    /// Removes or anonymises it inside the caller's transaction; `replacement` is the
    /// anonymous id that now stands for the person. Returns how many records changed.
    func erase(employeeID: String, replacement: String, on db: any SQLDatabase) async throws -> Int
}
