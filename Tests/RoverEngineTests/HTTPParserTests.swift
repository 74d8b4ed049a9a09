import NIOCore
import Testing
@testable import RoverEngine

/// Feeds `input` to a fresh parser in pieces of `piece` bytes (Int.max: all at once), the way a
/// connection accumulates reads, and collects every event but `.needMore`.
func parseAll(_ input: [UInt8], piece: Int = .max, limits: HTTPLimits = HTTPLimits()) -> [HTTPParseEvent] {
    var parser = HTTPRequestParser(limits: limits)
    var buffer = ByteBuffer()
    var events: [HTTPParseEvent] = []
    var offset = 0
    repeat {
        let end = min(input.count, offset &+ piece)
        buffer.writeBytes(input[offset..<end])
        offset = end
        loop: while true {
            let event = parser.next(&buffer)
            switch event {
            case .needMore: break loop
            case .request: events.append(event)
            case .error: events.append(event); return events
            }
        }
    } while offset < input.count
    return events
}

func requests(_ events: [HTTPParseEvent]) -> [ParsedRequest] {
    events.compactMap { if case .request(let r) = $0 { r } else { nil } }
}

func errorStatus(_ events: [HTTPParseEvent]) -> Int? {
    for e in events { if case .error(let err) = e { return err.status } }
    return nil
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite struct HTTPParserTests {
    let simple = bytes("GET /users/42?x=1 HTTP/1.1\r\nHost: a\r\nX-Id:  7 \r\n\r\n")

    @Test func parsesRequestLineAndHeaders() throws {
        let rs = requests(parseAll(simple))
        try #require(rs.count == 1)
        let r = rs[0].request
        #expect(r.method == .get)
        #expect(Array(r.path) == bytes("/users/42"))
        #expect(r.query.map(Array.init) == bytes("x=1"))
        #expect(r.headers.count == 2)
        #expect(Array(r.name(of: r.headers[1])) == bytes("X-Id"))
        #expect(Array(r.value(of: r.headers[1])) == bytes("7"))  // OWS trimmed
        #expect(r.body == nil)
        #expect(rs[0].keepAlive && !rs[0].isHTTP10)
    }

    @Test(arguments: [1, 2, 3, 7, 16])
    func splitAcrossReads(piece: Int) throws {
        let input = simple + bytes("POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
        let rs = requests(parseAll(input, piece: piece))
        try #require(rs.count == 2)
        #expect(Array(rs[0].request.path) == bytes("/users/42"))
        #expect(rs[1].request.method == .post)
        #expect(rs[1].request.body == bytes("hello"))
    }

    @Test func pipelinedRequestsComeOutInOrder() {
        var input: [UInt8] = []
        for i in 0..<5 { input += bytes("GET /\(i) HTTP/1.1\r\n\r\n") }
        let paths = requests(parseAll(input)).map { String(decoding: $0.request.path, as: UTF8.self) }
        #expect(paths == ["/0", "/1", "/2", "/3", "/4"])
    }

    /// The parser refills one head array and one field array per connection: a request still held
    /// keeps its own bytes (copy on write), and one let go is overwritten by the next, bigger or not.
    @Test func heldRequestsKeepTheirBytesWhileTheParserReusesItsArrays() throws {
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer()
        func next(_ s: String) throws -> Request {
            buffer.writeString(s)
            guard case .request(let parsed) = parser.next(&buffer) else { throw HTTPParseError.bad("no request") }
            return parsed.request
        }
        func fields(_ r: Request) -> [String] {
            r.headers.map { String(decoding: r.name(of: $0), as: UTF8.self) + "=" + String(decoding: r.value(of: $0), as: UTF8.self) }
        }
        let held = try next("GET /a?q=1 HTTP/1.1\r\nA: 1\r\n\r\n")
        _ = try next("POST /longer/path HTTP/1.1\r\nB: 22\r\nC: 333\r\nContent-Length: 0\r\n\r\n")
        #expect(String(decoding: held.path, as: UTF8.self) == "/a")
        #expect(held.query.map { String(decoding: $0, as: UTF8.self) } == "q=1")
        #expect(fields(held) == ["A=1"])
        for i in 0..<12 {  // each dropped before the next: the arrays are reused, growing past 8 fields
            let extra = (0..<i).map { "H\($0): \(String(repeating: "x", count: $0))\r\n" }.joined()
            let r = try next("GET /\(i) HTTP/1.1\r\n\(extra)\r\n")
            #expect(String(decoding: r.path, as: UTF8.self) == "/\(i)")
            #expect(fields(r) == (0..<i).map { "H\($0)=\(String(repeating: "x", count: $0))" })
        }
        #expect(fields(held) == ["A=1"])
    }

    @Test func tokenBytesAreExactlyTchar() {
        let tchar = Set(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".utf8))
        for b in 0...255 {
            #expect(HTTPHead.isTokenByte(UInt8(b)) == tchar.contains(UInt8(b)), "byte \(b)")
        }
    }

    @Test func methodTokens() {
        for m in HTTPMethod.allCases where m != .other {
            #expect(HTTPMethod(token: Array(m.token.utf8)) == m)
        }
        for t in ["get", "GETS", "GE", "", "OPTIONSX", "OPTIONS\0", "PATCHY", "G\0T", "CONNECT", "DELETEE"] {
            #expect(HTTPMethod(token: Array(t.utf8)) == .other, "\(t)")
        }
    }

    @Test func keepAliveRules() {
        func keep(_ s: String) -> Bool? { requests(parseAll(bytes(s))).first?.keepAlive }
        #expect(keep("GET / HTTP/1.1\r\n\r\n") == true)
        #expect(keep("GET / HTTP/1.1\r\nConnection: close\r\n\r\n") == false)
        #expect(keep("GET / HTTP/1.1\r\nConnection: foo, CLOSE\r\n\r\n") == false)
        #expect(keep("GET / HTTP/1.0\r\n\r\n") == false)
        #expect(keep("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") == true)
    }

    @Test(arguments: [
        "GARBAGE\r\n\r\n",
        "GET / HTTP/1.1 extra\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET / HTTX/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nNo Colon Here\r\n\r\n",
        "GET / HTTP/1.1\r\nName : v\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
    ])
    func malformedIs400(input: String) {
        #expect(errorStatus(parseAll(bytes(input))) == 400)
    }

    @Test func unsupportedVersionAndCoding() {
        #expect(errorStatus(parseAll(bytes("GET / HTTP/2.0\r\n\r\n"))) == 505)
        #expect(errorStatus(parseAll(bytes("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"))) == 501)
    }

    @Test func errorIsStickyAfterValidRequests() {
        let events = parseAll(simple + bytes("BAD\r\n\r\n") + simple)
        #expect(requests(events).count == 1)
        #expect(errorStatus(events) == 400)
    }

    @Test func headerOverLimitIs431() {
        let limits = HTTPLimits(maxHeaderBytes: 64)
        let big = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100) + "\r\n\r\n"
        #expect(errorStatus(parseAll(bytes(big), limits: limits)) == 431)
        // Also when the block never ends: decided before the CRLF CRLF arrives.
        let endless = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100)
        #expect(errorStatus(parseAll(bytes(endless), piece: 10, limits: limits)) == 431)
    }

    @Test func bodyOverLimitIs413BeforeTheBodyArrives() {
        let limits = HTTPLimits(maxBodyBytes: 10)
        // Only the head is sent: Content-Length alone decides.
        #expect(errorStatus(parseAll(bytes("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n"), limits: limits)) == 413)
        let ok = parseAll(bytes("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"), limits: limits)
        #expect(requests(ok).first?.request.body?.count == 10)
        let chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n"
        #expect(errorStatus(parseAll(bytes(chunked), limits: limits)) == 413)
    }

    @Test(arguments: [1, 3, 1000])
    func chunkedBodyIsDecoded(piece: Int) throws {
        let input = "POST /c HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n"
            + "GET /next HTTP/1.1\r\n\r\n"
        let rs = requests(parseAll(bytes(input), piece: piece))
        try #require(rs.count == 2)
        #expect(rs[0].request.body == bytes("hello 0123456789"))
        #expect(Array(rs[1].request.path) == bytes("/next"))
    }

    @Test func emptyContentLengthBodyIsEmptyNotNil() {
        let r = requests(parseAll(bytes("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"))).first
        #expect(r?.request.body == [])
    }

    @Test func invalidUTF8IsPreservedExactly() throws {
        let path: [UInt8] = [0x2F, 0xFF, 0xC3, 0x28, 0x80]
        let value: [UInt8] = [0xFE, 0x41, 0xED, 0xA0, 0x80]
        let body: [UInt8] = [0x00, 0xFF, 0xC0, 0xAF, 0x0D, 0x0A]
        var input = bytes("POST ") + path + bytes(" HTTP/1.1\r\nX-Raw: ") + value
        input += bytes("\r\nContent-Length: \(body.count)\r\n\r\n") + body
        let r = try #require(requests(parseAll(input, piece: 2)).first).request
        #expect(Array(r.path) == path)
        #expect(Array(r.value(of: r.headers[0])) == value)
        #expect(r.body == body)
    }

    @Test func expectContinueIsOfferedOncePerRequest() {
        var parser = HTTPRequestParser()
        var buffer = ByteBuffer(bytes: bytes("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"))
        guard case .needMore = parser.next(&buffer) else { Issue.record("expected needMore"); return }
        let first = parser.takeContinueRequest(), second = parser.takeContinueRequest()
        #expect(first && !second)
        buffer.writeBytes(bytes("abc"))
        guard case .request(let r) = parser.next(&buffer) else { Issue.record("expected request"); return }
        #expect(r.request.body == bytes("abc"))
        var whole = ByteBuffer(bytes: bytes("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"))
        var p10 = HTTPRequestParser()
        _ = p10.next(&whole)
        let offered = p10.takeContinueRequest()
        #expect(!offered)  // HTTP/1.0 clients get no interim response
    }

    @Test func leadingEmptyLinesAreIgnored() {
        #expect(requests(parseAll(bytes("\r\n\r\nGET / HTTP/1.1\r\n\r\n"))).count == 1)
    }
}
