import RoverKinds

/// The axes of a cell as file columns: the one list every file format (runs.csv, summary.csv,
/// pairs.csv) takes its axis columns from.
///
/// Belongs to RoverReport (records). Pure functions; thread-safe. A new axis: a stored property
/// in ``CellKey``, a case here (its column name), and its arms in ``text(_:)`` and
/// ``set(_:to:)``; give it a default in ``set(_:to:)``'s caller's file when old files lack the column.
extension CellKey {
    /// One axis; the raw value is the column name. Case order is column order.
    public enum Axis: String, CaseIterable, Sendable {
        case scenario, context, dispatcher, workers, connections, rate
    }

    /// The value of `axis` as written in files (`eager`, `mutex-pool`, `64`, …).
    public func text(_ axis: Axis) -> String {
        switch axis {
        case .scenario: scenario
        case .context: context.rawValue
        case .dispatcher: dispatcher.rawValue
        case .workers: "\(workers)"
        case .connections: "\(connections)"
        case .rate: "\(rate)"
        }
    }

    /// Sets `axis` from its file text; false when the text is not a value of the axis.
    public mutating func set(_ axis: Axis, to text: String) -> Bool {
        switch axis {
        case .scenario: scenario = text
        case .context: guard let k = ContextKind(rawValue: text) else { return false }; context = k
        case .dispatcher: guard let k = DispatcherKind(rawValue: text) else { return false }; dispatcher = k
        case .workers: guard let n = Int(text) else { return false }; workers = n
        case .connections: guard let n = Int(text) else { return false }; connections = n
        case .rate: guard let n = Int(text) else { return false }; rate = n
        }
        return true
    }

    /// A key to fill in from file columns (every axis is set before use).
    public static let blank = CellKey(scenario: "", context: baselineContext, dispatcher: baselineDispatcher,
                                      workers: 0, connections: 0)
}
