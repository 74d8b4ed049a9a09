import Foundation
import RoverEngine
import RoverCoding
import RoverLua
import RoverStrategies
import Testing
import RoverKinds

/// JSON output is always valid: invalid UTF-8 from a request (or the app) becomes U+FFFD.
@Suite struct ValidJSONTests {
    static func quoted(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        bytes.withUnsafeBytes { JSONString.appendQuoted($0, to: &out) }
        return out
    }

    @Test(arguments: ContextKind.allCases)
    func invalidPathParameterBecomesReplacementCharacter(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.users.p_id.get(ctx) return { user_id = ctx:params().id } end
        return api
        """, context: context)
        let r = get(e, "/users/%FF%FE")
        #expect(r.status == 200)
        #expect(r.text == "{\"user_id\":\"\u{FFFD}\u{FFFD}\"}")
        #expect((try? JSONSerialization.jsonObject(with: Data(r.body))) != nil)
        #expect(get(e, "/users/%C3%A9%F0%9F%98%80").text == "{\"user_id\":\"é😀\"}")  // valid UTF-8 unchanged
    }

    @Test func maximalSubpartsAreReplacedOnce() {
        // E2 82 is a truncated 3-byte sequence: one U+FFFD; C0 and FF are never valid: one each.
        let out = Self.quoted([0x61, 0xE2, 0x82, 0x62, 0xC0, 0xFF, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x98])
        #expect(String(decoding: out, as: UTF8.self) == "\"a\u{FFFD}b\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\"")
        #expect(String(validating: out, as: UTF8.self) != nil)
    }

    @Test func escapesAndValidMultibyteStayAsTheyWere() {
        let s = "é\"\\\n\t\u{1}😀"
        #expect(String(decoding: Self.quoted(Array(s.utf8)), as: UTF8.self) == "\"é\\\"\\\\\\n\\t\\u0001😀\"")
    }

    @Test func errorMessagesAreValidJSONToo() throws {
        let r = Response.error(500, String(decoding: [0x62, 0xFF], as: UTF8.self))
        #expect((try? JSONSerialization.jsonObject(with: Data(r.body))) != nil)
    }
}
