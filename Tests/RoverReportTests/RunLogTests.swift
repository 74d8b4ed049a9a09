import Foundation
import Testing
@testable import RoverReport

@Suite struct RunLogTests {
    static func awkwardRecord() -> RunRecord {
        var r = Fixtures.run(Fixtures.key("cached", "lockfree-pool"), repeat: 3, rps: 12_345.678,
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
        #expect(RunRecord.columns.count == 37)
        #expect(RunRecord.columns.last == "runtime")  // appended with the runtime axis
        #expect(Fixtures.key("lazy", "mutex-pool").id == "params-only.lazy.mutex-pool.w2.c64")
        #expect(Self.awkwardRecord().cell == "params-only.cached.lockfree-pool.w2.c64.r5000")
    }

    /// Rows written before the runtime axis (no `runtime` column) read as Lua 5.4, with the same
    /// cell ids; a LuaJIT cell's id and column say so.
    @Test func runtimeColumnIsOptionalAndDefaultsToLua54() throws {
        var jit = RunRecord(runID: "r", key: CellKey(scenario: "params-only", context: "userdata", dispatcher: "coroutine",
                                                     workers: 2, connections: 64, runtime: "luajit"), repeatIndex: 0)
        #expect(jit.cell == "params-only.userdata.coroutine.w2.c64.luajit")
        jit.rps = 1
        let back = try RunLog.decode(RunLog.encode([jit]))
        #expect(back.records.first?.key.runtime == "luajit")
        let old = Self.awkwardRecord()
        let header = RunRecord.columns.dropLast().joined(separator: ",")
        let row = CSV.row(Array(old.csvFields.dropLast()))
        let read = try RunLog.decode(header + "\n" + row)
        #expect(read.records.first?.key.runtime == "lua5.4")
        #expect(read.records.first?.key.id == old.key.id)
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
