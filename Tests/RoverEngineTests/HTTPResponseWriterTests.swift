import NIOCore
import Testing
@testable import RoverEngine

@Suite struct HTTPResponseWriterTests {
    func text(_ r: Response, head: Bool = false, _ c: HTTPResponseWriter.Connection = .keepAlive) -> String {
        let b = HTTPResponseWriter.serialize(r, isHead: head, connection: c, allocator: ByteBufferAllocator())
        return String(decoding: b.readableBytesView, as: UTF8.self)
    }

    @Test func jsonResponse() {
        let r = Response(status: 200, contentType: .json, body: Array(#"{"a":1}"#.utf8))
        #expect(text(r) == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
    }

    @Test func headHasLengthButNoBody() {
        let r = Response(status: 200, contentType: .text, body: Array("hello".utf8))
        #expect(text(r, head: true) == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n")
    }

    @Test func noContentHasNoLengthOrType() {
        #expect(text(Response(status: 204, contentType: .json)) == "HTTP/1.1 204 No Content\r\n\r\n")
    }

    @Test func extraFieldsAndConnection() {
        let r = Response(status: 302, contentType: .text, headers: [HTTPField("Location", "/x\r\nEvil: 1")])
        #expect(text(r, .close)
            == "HTTP/1.1 302 Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 0\r\nLocation: /x  Evil: 1\r\nConnection: close\r\n\r\n")
        #expect(text(Response(status: 200, contentType: nil), .keepAliveHTTP10)
            == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
    }

    /// The single-pass writer sizes the response first: past the first reservation (a long
    /// reason phrase, many fields), into a reused buffer smaller than the answer, it is exact.
    @Test func longResponsesAreExactFreshOrReused() {
        let fields = (0..<20).map { HTTPField("X-Field-\($0)", String(repeating: "v", count: $0)) }
        let r = Response(status: 431, contentType: .json, headers: fields, body: Array(#"{"a":"b"}"#.utf8))
        var expected = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\nContent-Length: 9\r\n"
        for i in 0..<20 { expected += "X-Field-\(i): \(String(repeating: "v", count: i))\r\n" }
        expected += "Connection: close\r\n\r\n{\"a\":\"b\"}"
        #expect(text(r, .close) == expected)
        var reused = ByteBuffer(string: "an older, shorter answer")
        HTTPResponseWriter.serialize(r, isHead: false, connection: .close, reusing: &reused)
        #expect(String(decoding: reused.readableBytesView, as: UTF8.self) == expected)
        HTTPResponseWriter.serialize(Response(status: 204, contentType: nil), isHead: false, connection: .keepAlive, reusing: &reused)
        #expect(String(decoding: reused.readableBytesView, as: UTF8.self) == "HTTP/1.1 204 No Content\r\n\r\n")
    }

    @Test(arguments: [0, 9, 10, 99, 12345, 1 << 20])
    func contentLengthDigits(n: Int) {
        let r = Response(status: 200, contentType: .text, body: [UInt8](repeating: 0x61, count: n))
        #expect(text(r, head: true).contains("Content-Length: \(n)\r\n"))
    }
}
