import Foundation
import Glibc
import Testing
@testable import RoverReport
import RoverKinds

/// The duet's statistics on windows with known truth: the A/A control and the floor it sets,
/// the "too noisy" warning, dropped windows, failed comparisons, and pairs.csv round trips.
@Suite struct DuetSummaryTests {
    static let base = CellKey(scenario: "params-only", context: .eager, dispatcher: .channel, workers: 1, connections: 64)
    static let lazy = base.with(context: .lazy, dispatcher: .affine)

    /// `starts` × `windows` windows of `cell` against the baseline whose CPU per request is
    /// `truth` times the reference's, times a per-pair bias and per-window noise.
    static func windows(_ cell: CellKey, control: Bool = false, truth: Double, starts: Int = 5, windows: Int = 4,
                        bias: Double = 0.002, noise: Double = 0.003, seed: UInt64 = 7) -> [PairRecord] {
        var rng = SplitMix64(seed: seed)
        func normal() -> Double {
            let u1 = max(Double(rng.next() >> 11) / 9_007_199_254_740_992, 1e-300)
            let u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992
            return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
        var out: [PairRecord] = []
        for s in 0..<starts {
            let b = bias * normal()
            for w in 0..<windows {
                var r = PairRecord(kind: control ? .control : .comparison, cell: cell, reference: base)
                r.start = s; r.window = w; r.slot = s % 2; r.seconds = 0.2
                r.refRequests = 10_000; r.refCPUNanos = 100_000_000
                r.cellRequests = Int((10_000 / truth).rounded())
                r.cellCPUNanos = 100_000_000 * exp(b + noise * normal())
                out.append(r)
            }
        }
        return out
    }

    @Test func quietControlSetsTheFloorAndAThreePercentCostIsFound() throws {
        let slower = Self.windows(Self.lazy, truth: 1.03, seed: 1)
        let d = DuetSummary(records: Self.windows(Self.base, control: true, truth: 1, seed: 2) + slower)
        #expect(!d.machineTooNoisy)
        let control = try #require(d.control(Self.base.group))
        #expect(control.cpu?.verdict == .noDifference)
        let row = try #require(d.row(Self.lazy))
        let cpu = try #require(row.cpu)
        #expect(abs(cpu.test.ratio - 1.03) < 0.01 && cpu.verdict == .slower)
        #expect(cpu.floor == max(Verdict.defaultPairedFloor, control.cpu!.test.bound))
        #expect(cpu.test.pairs == 20 && cpu.test.clusters == 5 && cpu.adjustedP != nil)
        #expect(row.rps?.verdict == .slower)  // fewer requests in the same CPU share
        #expect(d.comparison(Self.lazy, .serverCPU)?.method == "duet, n=20/5 pairs")
        #expect(DuetMarkdown.render(d).contains("| params-only, 1 workers, 64 conn | lazy + affine | +3.0% ["))
    }

    /// A 1.2% cost, under the 1.5% margin: found "slower" because it exceeds the minimum effect
    /// (0.5%, not raised by the A/A's bound), while the A/A itself reads "no difference".
    @Test func aOnePercentCostBeyondTheControlsBoundIsFound() throws {
        let d = DuetSummary(records: Self.windows(Self.base, control: true, truth: 1, starts: 20, windows: 2, seed: 3)
                            + Self.windows(Self.lazy, truth: 1.012, starts: 20, windows: 2, seed: 4))
        let control = try #require(d.control(Self.base.group)?.cpu)
        #expect(control.verdict == .noDifference)
        let cpu = try #require(d.row(Self.lazy)?.cpu)
        #expect(cpu.minEffect == Verdict.defaultPairedMinEffect)
        #expect(cpu.floor == Verdict.defaultPairedFloor && cpu.minEffect! < cpu.floor)
        #expect(cpu.verdict == .slower)
        // At a minimum effect of the margin itself (the old single threshold) it is not called.
        let strict = DuetSummary(records: Self.windows(Self.base, control: true, truth: 1, starts: 20, windows: 2, seed: 3)
                                 + Self.windows(Self.lazy, truth: 1.012, starts: 20, windows: 2, seed: 4),
                                 minEffect: Verdict.defaultPairedFloor)
        #expect(strict.row(Self.lazy)?.cpu?.verdict == .noDifference)
    }

    /// `duet --vs`: the reference is another app. Its scenario is stored, so the comparison finds
    /// the A/A control of that app (and its floor); files written before the column still read.
    @Test func crossAppComparisonKeepsItsReferenceScenario() throws {
        let other = CellKey(scenario: "plus1", context: .eager, dispatcher: .channel, workers: 1, connections: 64)
        let rows = Self.windows(Self.base, control: true, truth: 1, noise: 0.04, seed: 2)
            + Self.windows(other, truth: 1.03, seed: 1)  // against params-only's eager + channel
        let decoded = try PairLog.decode(PairLog.encode(rows))
        #expect(decoded == rows && decoded.last?.reference.scenario == "params-only")
        let d = DuetSummary(records: decoded)
        let control = try #require(d.control(Self.base.group)?.cpu)
        let cpu = try #require(d.rows.first { $0.cell == other }?.cpu)
        #expect(control.test.bound > Verdict.defaultPairedFloor)  // noisy enough to raise the floor
        #expect(cpu.floor == control.test.bound)
        // An old file: no ref_scenario column, the reference ran the cell's scenario.
        let text = PairLog.encode(rows)
        let drop = try #require(PairRecord.columns.firstIndex(of: "ref_scenario"))
        let lines = text.split(separator: "\n").map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            fields.remove(at: drop)
            return fields.joined(separator: ",")
        }
        let old = try PairLog.decode(lines.joined(separator: "\n") + "\n")
        #expect(old.count == rows.count && old.last?.reference.scenario == "plus1")
    }

    /// `duet --lua luajit`: both servers' runtime is stored; files written before the column ran
    /// Lua 5.4.
    @Test func runtimeColumnIsStoredAndOptional() throws {
        var jit = Self.base
        jit.runtime = .luajit
        let rows = Self.windows(jit, control: true, truth: 1, noise: 0.04, seed: 2).map { row in
            var r = row
            r.reference = jit
            return r
        }
        let decoded = try PairLog.decode(PairLog.encode(rows))
        #expect(decoded == rows && decoded.allSatisfy { $0.cell.runtime == .luajit && $0.reference.runtime == .luajit })
        // Optional columns appended since: the runtime, the mechanism counters, the server kind.
        #expect(Array(PairRecord.columns.suffix(6)) == ["runtime", "cell_ctx_switches", "ref_ctx_switches", "cell_lua_wakes", "ref_lua_wakes", "server"])
        let old = PairLog.encode(rows).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast(6).joined(separator: ",") }
        let read = try PairLog.decode(old.joined(separator: "\n") + "\n")
        #expect(read.count == rows.count && read.allSatisfy { $0.cell.runtime == .lua54 && $0.reference.runtime == .lua54 })
        #expect(read.allSatisfy { $0.cellSwitches == -1 && $0.cellSwitchesPerRequest == nil })
    }

    /// An A/A control is judged by the comparisons' own rule: one that reads −1.2% [−1.6, −0.8]
    /// (inside the 1.5% margin, but a "faster" under the 0.5% minimum effect) marks the run too
    /// noisy, and then every verdict is unsettled, in summary.json too, not only in a banner.
    @Test func aControlThatWouldReadADirectionMarksTheRunTooNoisy() throws {
        var control = Self.windows(Self.base, control: true, truth: 1, starts: 20, windows: 2, seed: 5)
        for i in control.indices { control[i].cellCPUNanos *= 0.988 }
        let records = control + Self.windows(Self.lazy, truth: 1.10, starts: 20, windows: 2, seed: 4)
        let d = DuetSummary(records: records)
        let aa = try #require(d.control(Self.base.group)?.cpu)
        #expect(aa.test.interval.lower > 0.98 && aa.test.interval.upper < 0.995, "\(aa.test.interval)")
        #expect(aa.verdict == .faster && aa.adjustedP != nil)
        #expect(d.machineTooNoisy && d.tooNoisyReasons?.first?.contains("read faster") == true)
        // A clear +10% comparison keeps its word but is not settled; nothing is.
        let cpu = try #require(d.row(Self.lazy)?.cpu)
        #expect(cpu.verdict == .slower && cpu.settled == false)
        #expect(d.unsettled.contains(d.row(Self.lazy)!.id))
        let json = try JSONExporter.decode(Data(JSONExporter.render(Summary(records: [], pairs: records)).utf8))
        #expect(json.summary.duet?.machineTooNoisy == true)
        #expect(json.summary.duet?.rows.allSatisfy { $0.cpu?.settled == false && $0.rps?.settled == false } == true)
        #expect(DuetMarkdown.render(d).contains("every verdict in this section is unsettled"))
    }

    /// A control with no usable pairs (its servers failed, or every window was dropped) marks the
    /// run too noisy and raises no floor.
    @Test func aControlWithNoDataMarksTheRunTooNoisy() throws {
        var control = Self.windows(Self.base, control: true, truth: 1, starts: 3, windows: 1)
        for i in control.indices { control[i].status = .failed; control[i].reason = "server exited with status 1" }
        let d = DuetSummary(records: control + Self.windows(Self.lazy, truth: 1.10, starts: 20, windows: 2, seed: 4))
        #expect(d.machineTooNoisy && d.tooNoisyReasons?.first?.contains("no usable pairs") == true)
        let cpu = try #require(d.row(Self.lazy)?.cpu)
        #expect(cpu.floor == Verdict.defaultPairedFloor && cpu.settled == false)
    }

    /// The minimum effect applies to the interval: −0.6% [−0.9, −0.3] is not "faster" at 0.5%
    /// (it is "no difference" within the 1.5% floor); −1.2% [−1.6, −0.8] is.
    @Test func theMinimumEffectAppliesToTheWholeInterval() {
        func judge(_ v: Double, _ lo: Double, _ hi: Double) -> Verdict {
            Verdict.judge(Estimate(value: v, interval: Interval(lower: lo, upper: hi), count: 40), polarity: .lowerIsBetter,
                          floor: 0.015, minEffect: 0.005, adjustedP: 0.001)
        }
        #expect(judge(0.994, 0.991, 0.997) == .noDifference)
        #expect(judge(0.988, 0.984, 0.992) == .faster)
        #expect(judge(1.012, 1.008, 1.016) == .slower)
        #expect(judge(0.99, 0.97, 0.996) == .inconclusive)  // reaches past the floor, not past the minimum effect
    }

    /// A comparison whose estimate sits within its own half-width of the minimum effect is
    /// unsettled (more pairs would change the answer's odds); a clear one is settled; a failed
    /// one is not offered more pairs; the table marks what stays unsettled.
    @Test func unsettledComparisonsAreNamedAndMarked() throws {
        let clear = Self.lazy
        let borderline = Self.base.with(context: .lazy)
        let failed = Self.base.with(context: .userdata, dispatcher: .coroutine)
        var broken = Self.windows(failed, truth: 1.2, starts: 3, windows: 2, seed: 9)
        broken[broken.count - 1].status = .failed
        broken[broken.count - 1].reason = "server exited"
        // Per process pair 1% spread, like this machine's: a 0.95% effect puts its interval's end
        // within its half-width of the 0.5% minimum effect; a 13% one is far from every threshold.
        let d = DuetSummary(records: Self.windows(Self.base, control: true, truth: 1, starts: 40, windows: 2, bias: 0.003, seed: 3)
                            + Self.windows(clear, truth: 1.13, starts: 20, windows: 2, bias: 0.01, seed: 4)
                            + Self.windows(borderline, truth: 1.0095, starts: 20, windows: 2, bias: 0.01, seed: 5)
                            + broken)
        let near = try #require(d.row(borderline)?.cpu)
        #expect(near.settled == false, "\(near.test.ratio) \(near.test.interval)")
        #expect(d.row(clear)?.cpu?.settled == true && d.row(clear)?.rps?.settled == true)
        #expect(d.control(Self.base.group)?.cpu?.settled == true)
        #expect(d.unsettled == [d.row(borderline)!.id])
        let md = DuetMarkdown.render(d)
        #expect(md.contains("\(near.verdict.rawValue) (unsettled)"))
        // Marked once in the table (the stopped comparison's "too few runs" is not marked), once in the method text.
        #expect(md.split(separator: "(unsettled)").count == 3)
        #expect(md.contains("| too few runs | ") && !md.contains("too few runs (unsettled)"))
    }

    @Test func noisyControlMarksEverythingUnsettled() {
        let d = DuetSummary(records: Self.windows(Self.base, control: true, truth: 1, bias: 0.03, noise: 0.05)
                            + Self.windows(Self.lazy, truth: 1.2))
        #expect(d.machineTooNoisy)
        #expect(DuetMarkdown.render(d).contains("too noisy to settle anything"))
        // The control's bound raises the floor of its group.
        #expect((d.row(Self.lazy)?.cpu?.floor ?? 0) > Verdict.defaultPairedFloor)
    }

    @Test func droppedWindowsAreLeftOutAndCounted() throws {
        var rows = Self.windows(Self.lazy, truth: 0.9)
        for i in [0, 5, 9] {
            rows[i].status = .dropped
            rows[i].reason = "other processes used 31% of the server CPUs"
            rows[i].cellCPUNanos *= 5  // a contaminated window: would wreck the estimate if kept
        }
        let d = DuetSummary(records: rows)
        let row = try #require(d.row(Self.lazy))
        #expect(row.okWindows == 17 && row.droppedWindows == 3)
        #expect(abs(row.cpu!.test.ratio - 0.9) < 0.01)
        #expect(d.dropped == ["other processes used N% of the server CPUs": 3])
        #expect(DuetMarkdown.render(d).contains("3 contaminated windows were dropped"))
    }

    @Test func tooFewPairsAndFailedComparisons() throws {
        let few = DuetSummary(records: Self.windows(Self.lazy, truth: 1.5, starts: 2, windows: 8))
        #expect(few.row(Self.lazy)?.cpu?.verdict == .tooFew)  // 16 windows, but only 2 process pairs
        var failed = PairRecord(cell: Self.lazy, reference: Self.base)
        failed.status = .failed
        failed.reason = "params-only.lazy.affine.w1.c64: server died (exit code 3)"
        let d = DuetSummary(records: [failed])
        let row = try #require(d.row(Self.lazy))
        #expect(row.cpu == nil && row.failure?.contains("server died") == true)
        #expect(DuetMarkdown.render(d).contains("failed"))
    }

    @Test func forestPlotDrawsEveryComparisonWithItsVerdict() {
        let d = DuetSummary(records: Self.windows(Self.base, control: true, truth: 1, seed: 2)
                            + Self.windows(Self.lazy, truth: 1.03, seed: 1))
        let html = HTMLForest.section(d)
        #expect(html.contains("<svg class=\"forest-svg\" data-rows=\"2\""))
        #expect(html.contains("<g class=\"forest-row verdict-no-difference\">"))
        #expect(html.contains("<g class=\"forest-row verdict-slower\">"))
        #expect(html.contains("+3.0% slower"))
        #expect(HTMLForest.section(nil).contains("no duet"))
    }

    @Test func pairsCSVRoundTrips() throws {
        var rows = Self.windows(Self.lazy, truth: 1.1, starts: 2, windows: 2)
        rows[1].status = .dropped
        rows[1].reason = "12% steal; load generator saturated (99% busy)"
        rows.append(contentsOf: Self.windows(Self.base, control: true, truth: 1, starts: 1, windows: 1))
        let text = PairLog.encode(rows)
        #expect(text.hasPrefix(PairRecord.columns.joined(separator: ",") + "\n"))
        #expect(try PairLog.decode(text) == rows)
        #expect(throws: RecordError.self) { try PairLog.decode("kind,scenario\ncomparison,x\n") }
    }
}
