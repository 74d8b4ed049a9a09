import Foundation
import Testing
@testable import RoverReport
import RoverKinds
import RoverTestSupport

@Suite struct RunLogTests {
    static func awkwardRecord() -> RunRecord {
        var r = Fixtures.run(Fixtures.key(.cached, .lockfreePool), repeat: 3, rps: 12_345.678,
                             cpu: 0.1 + 0.2, closures: 1, allocs: 7.25, handoffs: 0)
        r.status = .failed
        r.reason = "server exited: \"signal 9\", see log\nsecond line"
        r.key.rate = 5000
        r[.latMax] = 1e-5
        r[.generatorSaturated] = 1
        return r
    }

    @Test func headerIsTheDocumentedColumnList() {
        #expect(RunRecord.csvHeader.hasPrefix("run_id,cell,scenario,context,dispatcher,workers,connections,rate,repeat,status,reason,"))
        #expect(RunRecord.columns.count == 37)
        #expect(RunRecord.columns.last == "runtime")  // appended with the runtime axis
        // Append-only: the committed runs' header is, column for column, a prefix of today's.
        let committed = """
            run_id,cell,scenario,context,dispatcher,workers,connections,rate,repeat,status,reason,duration_s,\
            requests,rps,errors_connect,errors_read,errors_write,errors_timeout,non2xx,lat_mean_us,lat_p50_us,\
            lat_p90_us,lat_p99_us,lat_p999_us,lat_max_us,server_cpu_us_per_req,client_cpu_us_per_req,\
            closures_per_req,lua_allocs_per_req,lua_bytes_per_req,handoffs_per_req,lock_waits_per_req,\
            cas_retries_per_req,ctx_switches_per_req,server_peak_rss_kib,generator_saturated
            """.split(separator: ",").map(String.init)
        #expect(Array(RunRecord.columns.prefix(committed.count)) == committed)
        #expect(Fixtures.key(.lazy, .mutexPool).id == "params-only.lazy.mutex-pool.w2.c64")
        #expect(Self.awkwardRecord().cell == "params-only.cached.lockfree-pool.w2.c64.r5000")
    }

    /// Every committed run folder still reads, and writing its records back (in the file's own
    /// columns: most of those runs predate the runtime column) gives the same bytes: the schema (columns,
    /// kinds, number forms) is what those files were written with.
    @Test func committedRunsReadAndRoundTrip() throws {
        let results = Repository.root.appendingPathComponent("Results")
        let folders = try FileManager.default.contentsOfDirectory(atPath: results.path).sorted()
        var read = 0
        for name in folders {
            let runs = results.appendingPathComponent(name).appendingPathComponent("runs.csv")
            guard FileManager.default.fileExists(atPath: runs.path) else { continue }
            let text = String(decoding: try Data(contentsOf: runs), as: UTF8.self)
            let contents = try RunLog.decode(text)
            #expect(!contents.records.isEmpty, "\(name)")
            let header = CSV.parse(text).rows.first ?? []
            #expect(RunLog.encode(contents.records, columns: header) == text, "\(name)")
            if !header.contains("runtime") {  // written before the runtime axis: every row is Lua 5.4
                #expect(contents.records.allSatisfy { $0.key.runtime == .lua54 }, "\(name)")
            }
            let pairs = try PairLog.read(results.appendingPathComponent(name).appendingPathComponent(PairLog.fileName))
            if !pairs.isEmpty { #expect(PairLog.encode(pairs).hasPrefix(CSV.row(PairRecord.columns)), "\(name)") }
            read += 1
        }
        #expect(read >= 3)
    }

    /// Rows written before the runtime axis (no `runtime` column) read as Lua 5.4, with the same
    /// cell ids; a LuaJIT cell's id and column say so.
    @Test func runtimeColumnIsOptionalAndDefaultsToLua54() throws {
        var key = Fixtures.key(.userdata, .coroutine)
        key.runtime = .luajit
        #expect(key.id == "params-only.userdata.coroutine.w2.c64.luajit")
        var jit = RunRecord(runID: "r", key: key, repeatIndex: 0)
        jit[.rps] = 1
        let text = RunLog.encode([jit])
        #expect(text.hasSuffix(",luajit\n"))
        #expect(try RunLog.decode(text).records == [jit])
        let old = Self.awkwardRecord()
        let columns = Array(RunRecord.columns.dropLast())
        let read = try RunLog.decode(RunLog.encode([old], columns: columns))
        #expect(read.records == [old])
        #expect(read.records.first?.key.runtime == .lua54)
        #expect(read.records.first?.cell == old.cell)
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
