import Foundation
import Testing
@testable import RoverReport
import RoverKinds

@Suite struct RunLogTests {
    static func awkwardRecord() -> RunRecord {
        var r = Fixtures.run(Fixtures.key(.cached, .lockfreePool), repeat: 3, rps: 12_345.678,
                             cpu: 0.1 + 0.2, closures: 1, allocs: 7.25, handoffs: 0)
        r.status = .failed
        r.reason = "server exited: \"signal 9\", see log\nsecond line"
        r.rate = 5000
        r.cell = r.key.id
        r.latMaxUs = 1e-5
        r.generatorSaturated = true
        return r
    }

    @Test func headerIsTheDocumentedColumnList() {
        #expect(RunRecord.csvHeader.hasPrefix("run_id,cell,scenario,context,dispatcher,workers,connections,rate,repeat,status,reason,"))
        #expect(RunRecord.columns.count == 36)
        #expect(RunRecord.columns.last == "generator_saturated")
        #expect(Fixtures.key(.lazy, .mutexPool).id == "params-only.lazy.mutex-pool.w2.c64")
        #expect(Self.awkwardRecord().cell == "params-only.cached.lockfree-pool.w2.c64.r5000")
    }

    @Test func roundTripIsExact() throws {
        let records = Fixtures.runs() + [Self.awkwardRecord()]
        let text = RunLog.encode(records)
        let back = try RunLog.decode(text)
        #expect(back.records == records)
        #expect(back.droppedTail == nil)
        #expect(RunLog.encode(back.records) == text)
    }

    @Test func truncatedLastLineIsDropped() throws {
        let text = RunLog.encode(Array(Fixtures.runs().prefix(3)))
        let cut = String(text.dropLast(17))
        let back = try RunLog.decode(cut)
        #expect(back.records == Array(Fixtures.runs().prefix(2)))
        #expect(back.droppedTail != nil)
    }

    @Test func badCompleteLineNamesLineAndColumn() {
        let text = RunLog.encode(Array(Fixtures.runs().prefix(1)))
            .replacingOccurrences(of: ",64,0,0,ok,", with: ",64,0,zero,ok,")
        #expect(throws: RecordError.badValue(line: 2, column: "repeat", value: "zero")) {
            try RunLog.decode(text)
        }
        #expect(throws: RecordError.missingHeader) { try RunLog.decode("") }
    }

    @Test func writerAppendsSurvivesCrashAndResumes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("runs.csv")
        let runs = Fixtures.runs()
        let writer = try RunLogWriter(url: url)
        try writer.append(runs[0])
        try writer.append(Self.awkwardRecord())
        writer.close()
        #expect(throws: RunLogError.closed(url.path)) { try writer.append(runs[1]) }
        // Simulate a crash in the middle of a third append.
        let partial = String(runs[2].csvRow.prefix(40))
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        try h.write(contentsOf: Data(partial.utf8))
        try h.close()
        #expect(try RunLog.read(url).records == [runs[0], Self.awkwardRecord()])
        // Reopening cuts the partial line; appending continues cleanly.
        let resumed = try RunLogWriter(url: url)
        try resumed.append(runs[2])
        resumed.close()
        let back = try RunLog.read(url)
        #expect(back.records == [runs[0], Self.awkwardRecord(), runs[2]])
        #expect(back.droppedTail == nil)
    }

    @Test func writerRefusesForeignFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runlog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("runs.csv")
        try Data("a,b\n1,2\n".utf8).write(to: url)
        #expect(throws: RunLogError.headerMismatch(url.path)) { try RunLogWriter(url: url) }
    }
}
