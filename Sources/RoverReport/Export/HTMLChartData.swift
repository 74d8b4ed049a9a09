import Foundation

/// The JSON the report page's script draws from: per cell, throughput and server CPU with
/// intervals, and a latency curve. Built from a ``Summary``; formats nothing.
///
/// Belongs to RoverReport (export). Value types; thread-safe.
struct HTMLChartData: Codable, Equatable {
    struct Bar: Codable, Equatable {
        var v: Double
        var lo: Double
        var hi: Double
    }

    struct Cell: Codable, Equatable {
        var id: String
        var label: String
        var baseline: Bool
        var rps: Bar?
        var cpu: Bar?
    }

    struct Curve: Codable, Equatable {
        var cell: String
        /// The cell's strategies (the panel names the load).
        var label: String
        /// The small multiple it is drawn in: its load group, split when it has more than
        /// ``HTMLChartData/linesPerPanel`` curves.
        var panel: String
        /// `hgrm` (full distribution) or `medians` (p50/p90/p99/p99.9 medians of the runs).
        var source: String
        /// [percentile fraction, value µs]
        var points: [[Double]]
    }

    var cells: [Cell]
    /// In panel order (load groups in cell order), then cell order within a panel.
    var curves: [Curve]

    /// At most this many lines share one latency panel.
    static let linesPerPanel = 8
}

extension HTMLExporter {
    static func chartData(_ s: Summary, _ curves: [String: PercentileCurve]) -> HTMLChartData {
        func bar(_ e: Estimate?) -> HTMLChartData.Bar? {
            e.map { .init(v: $0.value, lo: $0.interval.lower, hi: $0.interval.upper) }
        }
        func label(_ k: CellKey) -> String {
            "\(k.scenario) w\(k.workers) c\(k.connections)\(k.rate == 0 ? "" : " r\(k.rate)") · \(Format.strategies(k))"
        }
        let cells = s.cells.map {
            HTMLChartData.Cell(id: $0.key.id, label: label($0.key), baseline: $0.key.isBaseline,
                               rps: bar($0.rps), cpu: bar($0.serverCPU))
        }
        let lines: [HTMLChartData.Curve] = s.cells.compactMap { c in
            let strategies = Format.strategies(c.key)
            if let curve = curves[c.key.id] {
                // The 100% row (the max) has 1/(1-p) = ∞: plot it at 1 − 1/count, the finest
                // percentile the recorded values resolve, as the last step of the curve.
                let points = curve.points.map { pt -> [Double] in
                    guard pt.percentile >= 1 else { return [pt.percentile, pt.value] }
                    return [pt.totalCount > 1 ? 1 - 1 / Double(pt.totalCount) : 0.5, pt.value]
                }
                return .init(cell: c.key.id, label: strategies, panel: "", source: "hgrm", points: points)
            }
            let steps: [(Double, Metric)] = [(0.5, .latP50), (0.9, .latP90), (0.99, .latP99), (0.999, .latP999)]
            let points = steps.compactMap { p, m in c.median(m).map { [p, $0] } }
            guard !points.isEmpty else { return nil }
            return .init(cell: c.key.id, label: strategies, panel: "", source: "medians", points: points)
        }
        return HTMLChartData(cells: cells, curves: panels(lines, s))
    }

    /// Puts each curve in its load group's panel, splitting a group of more than
    /// ``HTMLChartData/linesPerPanel`` curves into numbered panels of near-equal size.
    static func panels(_ lines: [HTMLChartData.Curve], _ s: Summary) -> [HTMLChartData.Curve] {
        let groupOf = Dictionary(uniqueKeysWithValues: s.cells.map { ($0.key.id, $0.key.group) })
        var order: [LoadGroup] = [], members: [LoadGroup: [HTMLChartData.Curve]] = [:]
        for line in lines {
            guard let g = groupOf[line.cell] else { continue }
            if members[g] == nil { order.append(g) }
            members[g, default: []].append(line)
        }
        return order.flatMap { g -> [HTMLChartData.Curve] in
            let group = members[g]!
            let count = (group.count + HTMLChartData.linesPerPanel - 1) / HTMLChartData.linesPerPanel
            let size = (group.count + count - 1) / count
            return group.enumerated().map { i, line in
                var line = line
                line.panel = count == 1 ? g.description : "\(g.description) (\(i / size + 1)/\(count))"
                return line
            }
        }
    }

    /// The chart data as JSON safe inside a `<script>` element: JSONEncoder escapes `/`, so
    /// no `</script>` can appear; `<!--` is broken up as well.
    static func chartJSON(_ s: Summary, _ curves: [String: PercentileCurve]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // Strings and finite-or-mapped numbers only: encoding cannot fail.
        let data = try! encoder.encode(chartData(s, curves))
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<!--", with: "<\\u0021--")
    }
}
