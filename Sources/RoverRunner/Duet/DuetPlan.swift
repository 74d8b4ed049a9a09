public import RoverReport
public import RoverKinds

/// One cost comparison a duet runs: `cell` and `reference` served side by side. The control
/// (A/A) serves the reference against a second instance of itself.
public struct DuetComparison: Sendable, Hashable, Codable {
    public var kind: PairRecord.Kind.RawValue
    public var cell: CellKey
    public var reference: CellKey
    /// The cell's app when it is not the reference scenario's (comparing two apps that answer
    /// the same request the same way, e.g. one with an extra cost); nil: the same app.
    public var cellApp: String?
    /// The cell's response profile when it differs from the reference scenario's (`--vs` a
    /// scenario of the other profile, e.g. hello against hello-rover-defaults); nil: the same.
    public var cellProfile: ResponseProfile?
    /// The shell commands that start each side when they are not `rover-bench serve` cells
    /// (`duet --cmd`; ``CommandServer``); nil: a serve child of the cell.
    public var cellCommand: String?
    public var referenceCommand: String?

    public init(kind: PairRecord.Kind, cell: CellKey, reference: CellKey, cellApp: String? = nil,
                cellProfile: ResponseProfile? = nil) {
        self.kind = kind.rawValue
        self.cell = cell
        self.reference = reference
        self.cellApp = cellApp
        self.cellProfile = cellProfile
    }

    /// Two commands' sides (``CellKey/command(_:connections:)``): `cell` against `reference`, or
    /// the A/A control of `reference` when `cell` is nil.
    public static func commands(cell: (name: String, command: String)?, reference: (name: String, command: String),
                                connections: Int) -> DuetComparison {
        let ref = CellKey.command(reference.name, connections: connections)
        var c = DuetComparison(kind: cell == nil ? .control : .comparison,
                               cell: cell.map { CellKey.command($0.name, connections: connections) } ?? ref, reference: ref)
        c.cellCommand = cell?.command ?? reference.command
        c.referenceCommand = reference.command
        return c
    }

    public var isControl: Bool { kind == PairRecord.Kind.control.rawValue }

    /// The id its rows carry (``PairRecord/comparisonID``).
    public var id: String {
        isControl ? "a/a.\(reference.id)" : reference.isBaseline ? cell.id : "\(cell.id)~\(reference.context).\(reference.dispatcher)"
    }
}

/// How the duet phase of a sweep runs: `starts` fresh process pairs per comparison (`controlStarts`
/// for each A/A control), each measured over `windows` windows of `window` seconds after `warmup`,
/// with the slots swapped on every other start and the comparisons in a new random order (from
/// `seed`) for every start.
///
/// Belongs to RoverRunner (duet). A pure value; ``order`` is pinned by a test.
public struct DuetPlan: Sendable, Equatable, Codable {
    public var comparisons: [DuetComparison]
    public var starts: Int
    public var windows: Int
    public var window: Double
    public var warmup: Double
    public var seed: UInt64
    /// Process pairs of each A/A control; nil: `starts` (plans written before it existed).
    ///
    /// The control's bound becomes its group's margin and minimum effect, and a control that is
    /// not "no difference" marks the whole sweep too noisy, so it is worth more pairs than one
    /// comparison. Measured here (`Results/verdicts-20261202/sweeps`): with 20 pairs the A/A
    /// read no difference in 8 of 9 default sweeps; the miss, +0.75% [−0.27, +1.78], was wide,
    /// not off centre. Two processes of one configuration can differ by up to about 1% for their
    /// whole life, so only more process pairs (not longer ones) narrow it.
    public var controlStarts: Int?
    /// How many stages the phase may take; nil: 1 (plans written before it existed). Stage 0 runs
    /// every comparison's starts; each further stage runs as many again for each comparison whose
    /// verdict is not settled yet (``Verdict/isSettled(_:polarity:floor:minEffect:adjustedP:alpha:minimumPairs:)``),
    /// so a comparison gets at most `stages` times its starts, and only where they change the answer.
    ///
    /// Why: a verdict flips between sweeps only when its estimate lies within its own uncertainty
    /// of a threshold; more pairs everywhere would cost time where the answer is already clear
    /// (−13% ± 0.6%). Measured before it existed (`Results/verdicts-20261202/sweeps-control40`):
    /// 8 of 9 comparisons kept their verdict over 10 sweeps; the ninth sat on the threshold.
    public var stages: Int?
    /// The rules its verdicts are judged by (and its stages decide with); nil in plans written
    /// before they were saved (judged by today's defaults).
    public var rules: JudgingRules?
    /// The first `aloneStarts` process pairs of each comparison (not the controls) end with
    /// `aloneWindows` rounds of alone windows (``DuetPair``): each server loaded alone, one after
    /// the other, for the validity check. nil or 0: none.
    public var aloneStarts: Int?
    public var aloneWindows: Int?

    public init(comparisons: [DuetComparison], starts: Int = 5, controlStarts: Int? = nil, stages: Int? = nil,
                windows: Int = 4, window: Double = 0.2, warmup: Double = 0.3, seed: UInt64 = Bootstrap.defaultSeed) {
        self.comparisons = comparisons
        self.starts = starts
        self.controlStarts = controlStarts
        self.stages = stages
        self.windows = windows
        self.window = window
        self.warmup = warmup
        self.seed = seed
    }

    /// A seed for a new run's randomization, from the system's random source: every run orders
    /// its process pairs afresh (and records the seed, so `--seed` replays it), so order effects
    /// are re-randomized from run to run instead of repeated.
    public static func freshSeed() -> UInt64 {
        var g = SystemRandomNumberGenerator()
        return g.next()
    }

    /// The dispatcher context effects are also measured under, against `eager` on it: one VM
    /// per loop, no hand-off and no lock, so what is measured is the context's own cost, not how
    /// it changes the channel's batching. Measured here: per-window A/A spread under `channel`
    /// was about 10% in a noisy hour (32% steal), 2% in a quiet one; under `affine` 1–3%; and
    /// lazy vs eager read +0.1% [−0.6, +0.8] under `channel` but −2.9% [−3.7, −2.1] under `affine`.
    public static let quietDispatcher = DispatcherKind.affine

    /// Each cell's reference: `eager` + `affine` for another context under `affine` (when that
    /// cell is run), else the seed's `eager` + `channel`.
    public static func reference(of cell: CellKey, in cells: [CellKey]) -> CellKey {
        let quiet = cell.with(context: CellKey.baselineContext, dispatcher: quietDispatcher)
        if cell.dispatcher == quietDispatcher, cell.context != CellKey.baselineContext, cells.contains(quiet) { return quiet }
        return cell.baseline
    }

    /// For every load group of `cells` that has its baseline: for each reference in use, its A/A
    /// control first, then every cell compared with it (see ``reference(of:in:)``).
    public static func comparisons(for cells: [CellKey]) -> [DuetComparison] {
        var out: [DuetComparison] = []
        for base in cells where base.isBaseline {
            let group = cells.filter { $0.group == base.group && $0 != base }
            let byReference = Dictionary(grouping: group) { reference(of: $0, in: cells) }
            for ref in [base, base.with(dispatcher: quietDispatcher)] {
                let members = byReference[ref] ?? []
                guard ref == base || !members.isEmpty else { continue }  // the seed's baseline always has its A/A
                out.append(DuetComparison(kind: .control, cell: ref, reference: ref))
                out += members.map { DuetComparison(kind: .comparison, cell: $0, reference: ref) }
            }
        }
        return out
    }

    public struct Step: Sendable, Equatable {
        public var comparison: DuetComparison
        public var start: Int
        /// 0: the cell's server starts (and is loaded) first; 1: the reference's.
        public var slot: Int
    }

    /// Process pairs `comparison` gets.
    public func starts(of comparison: DuetComparison) -> Int {
        comparison.isControl ? (controlStarts ?? starts) : starts
    }

    /// Stages the phase may take (at least 1).
    public var stageCount: Int { max(stages ?? 1, 1) }

    /// The first stage's steps: ``order(stage:of:)`` of stage 0, every comparison.
    public var order: [Step] { order(stage: 0, of: comparisons) }

    /// Round-major: a stage runs in as many rounds as the most starts any of `comparisons` has, and
    /// every comparison's starts of that stage (numbered on from the earlier stages') are spread
    /// evenly over them (a comparison with `starts` gets one per round, a control with twice as
    /// many gets two), in a fresh random order for each round, so drift of the machine spreads
    /// over every comparison's process pairs alike. Slots alternate with the start number.
    public func order(stage: Int, of comparisons: [DuetComparison]) -> [Step] {
        let rounds = comparisons.map(starts(of:)).max() ?? 0
        return (0..<rounds).flatMap { r -> [Step] in
            var rng = SplitMix64(seed: seed ^ ((UInt64(stage) << 32 | UInt64(r)) &* 0x9E37_79B9_7F4A_7C15))
            var shuffled = comparisons.flatMap { c -> [Step] in
                let n = starts(of: c)
                return (0..<n).filter { $0 * rounds / n == r }.map { Step(comparison: c, start: stage * n + $0, slot: $0 % 2) }
            }
            rng.shuffle(&shuffled)
            return shuffled
        }
    }

    /// The comparisons stage `stage` runs: every one in stage 0, afterwards those named in
    /// `unsettled` (ids), in plan order.
    public func comparisons(inStage stage: Int, unsettled: Set<String>) -> [DuetComparison] {
        stage == 0 ? comparisons : comparisons.filter { unsettled.contains($0.id) }
    }

    /// The comparisons whose verdicts are not settled on `records`, judged as the report will
    /// judge them: by the plan's saved rules (a resumed run keeps its own). What ``Duet/run``'s
    /// later stages run.
    public func unsettled(_ records: [PairRecord]) -> Set<String> {
        let rules = self.rules ?? JudgingRules()
        return Set(DuetSummary(records: records, floor: rules.pairedFloor, minEffect: rules.minEffect).unsettled)
    }

    /// Alone rounds at the end of `step`'s process pair (0: none).
    public func aloneWindows(_ step: Step) -> Int {
        step.comparison.isControl || step.start >= (aloneStarts ?? 0) ? 0 : max(aloneWindows ?? 0, 0)
    }

    /// Process pairs the first stage runs (later stages run only where a verdict is unsettled).
    public var pairCount: Int { comparisons.map(starts(of:)).reduce(0, +) }

    /// Seconds the phase should take, from its own settings (start-up not included).
    public var measuredSeconds: Double {
        let alone = comparisons.filter { !$0.isControl }.map { min(starts(of: $0), aloneStarts ?? 0) }.reduce(0, +)
        return Double(pairCount) * (warmup + Double(windows) * window) + Double(alone * 2 * (aloneWindows ?? 0)) * (window + 0.2)
    }

    /// "9 comparisons × 20 process pairs (A/A controls: 40)", for progress lines.
    public var shape: String {
        let controls = comparisons.contains(where: \.isControl) && (controlStarts ?? starts) != starts
            ? " (A/A controls: \(controlStarts ?? starts))" : ""
        let more = stageCount > 1 ? ", up to \(stageCount)× where a verdict is unsettled" : ""
        return "\(comparisons.count) comparisons × \(starts) process pairs\(controls)\(more)"
    }
}
