import RoverKinds

/// One row of `runs.csv`: everything measured in one run (one trial) of one cell.
///
/// Belongs to RoverReport (records). Written by the sweep runner as soon as a trial ends
/// (see ``RunLogWriter``) and read back by the summary, the exporters and the gate.
/// A plain value type: `Sendable`, freely copied between threads.
///
/// A run is its cell (``CellKey``), the repeat, status and reason, and one value per
/// ``Metric``. The CSV columns (``RunRecord/columns``) are derived from those, all snake_case
/// and stable:
///
/// | column | type | meaning |
/// |---|---|---|
/// | run_id | text | unique id of the run within the sweep (the runner chooses it) |
/// | cell | text | ``CellKey/id`` of the cell, e.g. `params-only.lazy.mutex-pool.w2.c64` |
/// | scenario, context, … rate | | the cell's axes, ``CellKey/Axis`` (rate 0 = closed loop) |
/// | repeat | int | 0-based repetition index of this cell |
/// | status | `ok` \| `failed` | a failed run keeps its row, with `reason`, and is left out of statistics |
/// | reason | text | why the run failed; empty when ok |
/// | duration_s … generator_saturated | | one column per ``Metric``, in its case order |
/// | runtime | `lua5.4` \| `luajit` | the cell's Lua runtime (an appended axis: files written before it lack the column, and mean `lua5.4`) |
public struct RunRecord: Sendable, Equatable {
    public var runID: String
    public var key: CellKey
    public var repeatIndex: Int
    public var status: RunStatus
    public var reason: String
    /// The measurements; a metric the run did not record reads as 0.
    public var values: [Metric: Double]

    /// A record for `key`, every measurement zero: the runner fills in what it measured.
    public init(runID: String, key: CellKey, repeatIndex: Int, status: RunStatus = .ok, reason: String = "",
                values: [Metric: Double] = [:]) {
        self.runID = runID
        self.key = key
        self.repeatIndex = repeatIndex
        self.status = status
        self.reason = reason
        self.values = values
    }

    /// One measurement (0 when not recorded).
    public subscript(metric: Metric) -> Double {
        get { values[metric] ?? 0 }
        set { values[metric] = newValue }
    }

    /// The ``CellKey/id`` of the run's cell (the `cell` column).
    public var cell: String { key.id }

    /// The load generator, not the server, was the bottleneck.
    public var generatorSaturated: Bool { self[.generatorSaturated] != 0 }

    public static func == (a: RunRecord, b: RunRecord) -> Bool {
        a.runID == b.runID && a.key == b.key && a.repeatIndex == b.repeatIndex && a.status == b.status
            && a.reason == b.reason && Metric.allCases.allSatisfy { a[$0] == b[$0] }
    }
}

/// Outcome of one run. Failed and dropped runs are recorded (with a reason) but excluded from
/// statistics.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case ok
    case failed
    /// Measured, but outside the rule that makes it evidence (the reason says which: a latency
    /// duet side not at steady state): its values are kept in the CSV, counted, left out.
    case dropped
}
