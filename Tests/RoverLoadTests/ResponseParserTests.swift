import Foundation
import Testing
@testable import RoverLoad

/// Byte fixtures for `ResponseParser`: framing by Content-Length, chunked and close; keep-alive
/// rules; split input at every boundary; malformed input.
@Suite struct ResponseParserTests {
    /// Feeds `chunks` in order; returns (status, closeAfter) for every completed response, and
    /// whether the parser ended mid-response or reported malformed input.
    static func run(_ chunks: [String], head: Bool = false, eof: Bool = false)
        -> (responses: [(Int, Bool)], malformed: Bool, idle: Bool)
    {
        var parser = ResponseParser()
        parser.expectsHeadResponse = head
        var out: [(Int, Bool)] = []
        for chunk in chunks {
            let bytes = Array(chunk.utf8)
            var consumed = 0
            let outcome: ResponseParser.Outcome? = bytes.withUnsafeBufferPointer { buf in
                while consumed < bytes.count {
                    switch parser.parse(buf.baseAddress!, bytes.count, consumed: &consumed) {
                    case .complete(let status): out.append((status, parser.closeAfterResponse))
                    case .needMore: return nil
                    case .malformed: return .malformed
                    }
                }
                return nil
            }
            if outcome == .malformed { return (out, true, false) }
        }
        if eof, let status = parser.endOfInput() { out.append((status, true)) }
        return (out, false, parser.isBetweenResponses)
    }

    static let nginx = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 29 Nov 2026 07:29:01 GMT\r\n"
        + "Content-Type: application/json\r\nContent-Length: 17\r\nConnection: keep-alive\r\n\r\n{\"user_id\":\"123\"}"

    /// Bodies compared byte for byte with the expected answer, however the input is split; a
    /// wrong byte, a wrong length or a missing length is a mismatch; a non-2xx is not compared;
    /// a chunked body is compared across its chunks, and one that ends short is a mismatch.
    @Test(arguments: [1, 3, 7, 200])
    func expectedBodyIsComparedAcrossSplits(chunk: Int) {
        let expected = Array("{\"user_id\":\"123\"}".utf8)
        let wrong = Self.nginx.replacingOccurrences(of: "123", with: "124")
        let short = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
        let error = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}"
        // Chunked (as nginx + ngx_lua answers `ngx.print`): the chunks' data joined is compared.
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"use\r\nc;x=1\r\nr_id\":\"123\"}\r\n0\r\n\r\n"
        let chunkedWrong = chunked.replacingOccurrences(of: "123", with: "124")
        let chunkedShort = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"use\r\n0\r\n\r\n"
        let stream = Array((Self.nginx + wrong + Self.nginx + short + error + chunked + chunkedWrong + chunkedShort + chunked).utf8)
        var mismatches: [Bool] = []
        expected.withUnsafeBufferPointer { e in
            var parser = ResponseParser()
            parser.expectedBody = e
            stream.withUnsafeBufferPointer { buf in
                var start = 0
                while start < buf.count {
                    let end = min(buf.count, start + chunk)
                    var consumed = start
                    while consumed < end {
                        if case .complete = parser.parse(buf.baseAddress!, end, consumed: &consumed) {
                            mismatches.append(parser.bodyMismatch)
                        }
                    }
                    start = end
                }
            }
        }
        #expect(mismatches == [false, true, false, true, false, false, true, true, false])
    }

    @Test func contentLengthResponse() {
        let r = Self.run([Self.nginx])
        #expect(r.responses.map(\.0) == [200])
        #expect(r.responses.map(\.1) == [false])
        #expect(r.idle)
    }

    @Test func splitAtEveryByteBoundary() {
        let twice = Self.nginx + Self.nginx
        for cut in 1..<twice.utf8.count {
            let bytes = Array(twice.utf8)
            let a = String(decoding: bytes[..<cut], as: UTF8.self), b = String(decoding: bytes[cut...], as: UTF8.self)
            let r = Self.run([a, b])
            #expect(r.responses.map(\.0) == [200, 200], "cut at \(cut)")
        }
    }

    @Test func byteAtATimeChunked() {
        let text = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: yes\r\n\r\n"
            + "HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n"
        let r = Self.run(text.map { String($0) })
        #expect(r.responses.map(\.0) == [404, 201])
        #expect(r.idle)
    }

    @Test func closeAndKeepAliveRules() {
        #expect(Self.run(["HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx"]).responses.map(\.1) == [true])
        #expect(Self.run(["HTTP/1.1 200 OK\r\nCONNECTION: Keep-Alive, Close\r\nContent-Length: 0\r\n\r\n"]).responses.map(\.1) == [true])
        #expect(Self.run(["HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"]).responses.map(\.1) == [true])
        #expect(Self.run(["HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"]).responses.map(\.1) == [false])
        #expect(Self.run(["HTTP/1.1 200 OK\r\nX-Connection: close\r\nContent-Length: 0\r\n\r\n"]).responses.map(\.1) == [false])
    }

    @Test func bodylessResponses() {
        let head = Self.run(["HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n"], head: true)
        #expect(head.responses.map(\.0) == [200, 200])
        let r = Self.run(["HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"])
        #expect(r.responses.map(\.0) == [204, 304])
        let interim = Self.run(["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"])
        #expect(interim.responses.map(\.0) == [200])
    }

    @Test func bodyUntilClose() {
        let open = Self.run(["HTTP/1.1 200 OK\r\n\r\nstreaming", " more"])
        #expect(open.responses.isEmpty)
        #expect(!open.idle)
        let closed = Self.run(["HTTP/1.1 200 OK\r\n\r\nstreaming"], eof: true)
        #expect(closed.responses.map(\.0) == [200])
        #expect(closed.responses.map(\.1) == [true])
    }

    @Test func partialResponseIsNotIdle() {
        #expect(!Self.run(["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"]).idle)
        #expect(!Self.run(["HTTP/1.1 20"]).idle)
    }

    /// The fast path (whole head in one buffer) and the byte machine (one byte per call) agree.
    @Test(arguments: [
        nginx,
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx",
        "HTTP/1.0 503 Busy\r\nconnection: Keep-Alive\r\ncontent-length: 3\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nX-Long-Header-Name: v\r\n\r\n",
    ])
    func fastPathAgreesWithByteMachine(_ text: String) {
        let whole = Self.run([text + text])
        let bytes = Self.run((text + text).map { String($0) })
        #expect(whole.responses.count == 2)
        #expect(whole.responses.map(\.0) == bytes.responses.map(\.0))
        #expect(whole.responses.map(\.1) == bytes.responses.map(\.1))
        #expect(whole.idle && bytes.idle)
    }

    @Test(arguments: ["hello world\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\n\rX"])
    func malformedInput(_ text: String) {
        #expect(Self.run([text]).malformed)
    }
}
