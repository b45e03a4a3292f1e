public import Foundation
import SQLKit

extension EmployeeStore {
    /// Which of these HRIS employee ids exist, checked in batches (static audience uploads).
    public func existing(employeeIDs: [String]) async throws -> Set<String> {
        var found = Set<String>()
        for start in stride(from: 0, to: employeeIDs.count, by: 500) {
            let batch = Array(employeeIDs[start..<min(start + 500, employeeIDs.count)])
            let rows = try await database.reader.raw("SELECT employee_id FROM employees WHERE employee_id IN (\(binds: batch))").all()
            for row in rows { found.insert(try row.decode(column: "employee_id", as: String.self)) }
        }
        return found
    }
}
