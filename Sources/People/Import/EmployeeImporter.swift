public import Audit
public import Foundation
public import TandemCore

/// Runs an import end to end: plan, refuse what must be refused, apply.
public struct EmployeeImporter: Sendable {
    public static let defaultSafetyThreshold = 0.20
    let store: ImportStore
    /// Employee ids another system keeps (SCIM-provisioned people): a full import that does not
    /// list them leaves them to that system instead of making them leavers.
    let managedElsewhere: @Sendable () async throws -> Set<String>

    public init(store: ImportStore, managedElsewhere: @escaping @Sendable () async throws -> Set<String> = { [] }) {
        self.store = store
        self.managedElsewhere = managedElsewhere
    }

    /// The plan for a file against the current employees: what every caller shows or applies.
    public func plan(csv text: String, mapping: ImportMapping?, options: ImportOptions) async throws -> ImportPlan {
        var options = options
        if options.mode == .full { options.protected = try await managedElsewhere() }
        options.attributes = try await AttributeStore(database: store.database).all()
        // Without a mapping, the one saved by the last import that had one is used.
        let savedMapping = mapping == nil ? try await store.savedMapping() : nil
        var plan = try ImportPlanner.plan(csv: text, mapping: mapping ?? savedMapping, existing: try await store.existing(), options: options)
        try await skipErased(&plan)
        return plan
    }

    public struct Request: Sendable {
        public var fileName: String
        public var data: Data
        public var mapping: ImportMapping?
        public var options = ImportOptions()
        public var dryRun = false
        public var confirmDeactivations = false
        public var safetyThreshold = EmployeeImporter.defaultSafetyThreshold

        public init(fileName: String, data: Data) {
            self.fileName = fileName
            self.data = data
        }
    }

    public enum Outcome: Sendable {
        /// Nothing was written: a dry run, or the import was refused for `reason`.
        case planned(ImportPlan, refusal: String?)
        case applied(ImportPlan, ImportRecord)

        public var plan: ImportPlan {
            switch self {
            case .planned(let plan, _), .applied(let plan, _): plan
            }
        }
    }

    public func run(_ request: Request, by actor: AuditActor, progress: @Sendable (String) -> Void = { _ in }) async throws -> Outcome {
        let text = try ImportPlanner.text(from: request.data)
        progress("checking \(request.fileName) against the current employees")
        let plan = try await plan(csv: text, mapping: request.mapping, options: request.options)
        if !plan.rejected.isEmpty && !request.options.skipBadRows {
            return .planned(plan, refusal: request.dryRun ? nil : "\(plan.rejected.count) row(s) were rejected, so nothing was imported. Fix them, or choose to skip bad rows.")
        }
        if plan.exceedsSafetyStop(threshold: request.safetyThreshold) && !request.confirmDeactivations {
            let share = Int((Double(plan.deactivations.count) / Double(max(1, plan.activeBefore)) * 100).rounded())
            return .planned(plan, refusal: "This import would deactivate \(plan.deactivations.count) of \(plan.activeBefore) active employees (\(share)%, more than \(Int(request.safetyThreshold * 100))%). Check the file is complete, or confirm the deactivations.")
        }
        if request.dryRun { return .planned(plan, refusal: nil) }
        if plan.creates.isEmpty && plan.updates.isEmpty && plan.deactivations.isEmpty {
            return .planned(plan, refusal: nil)
        }
        let record = try await store.apply(plan, fileName: request.fileName, today: request.options.today, by: actor) { done, total in
            if done == total || done % 10_000 < EmployeeStore.batchSize { progress("written \(done)/\(total)") }
        }
        if let mapping = request.mapping, !mapping.isEmpty { try await store.saveMapping(mapping) }
        return .applied(plan, record)
    }

    /// People whose data was erased on request are not created again from an HRIS file that
    /// still lists them; reports that name them as manager lose that link instead.
    func skipErased(_ plan: inout ImportPlan) async throws {
        guard !plan.creates.isEmpty else { return }
        let erased = try await EmployeePersonalData.erased(plan.creates.map(\.employeeId), on: store.database.reader)
        guard !erased.isEmpty else { return }
        plan.creates.removeAll { erased.contains($0.employeeId) }
        for index in plan.creates.indices where erased.contains(plan.creates[index].managerId ?? "") { plan.creates[index].managerId = nil }
        for index in plan.updates.indices where erased.contains(plan.updates[index].managerId ?? "") { plan.updates[index].managerId = nil }
        plan.notes.append("\(erased.count) row(s) were skipped because that person's data was erased on request (GDPR), e.g. \(erased.sorted().prefix(3).joined(separator: ", ")). Remove them from the HRIS export to stop this note.")
    }
}
