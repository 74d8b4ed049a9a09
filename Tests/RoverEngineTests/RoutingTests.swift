import RoverEngine
import Testing

@Suite struct RoutingTests {
    static let app = """
    local api = rover.server {}
    function api.get(ctx) return "root" end
    function api.users.p_id.get(ctx) return "user " .. ctx:params().id end
    function api.users.me.get(ctx) return "me" end
    function api.users.p_id.delete(ctx) return nil end
    function api.users.p_id.posts.p_pid.get(ctx) local p = ctx:params() return p.id .. "/" .. p.pid end
    function api.users.me.settings.get(ctx) return "settings" end
    function api.files.p_name.get(ctx) return ctx:params().name end
    return api
    """

    @Test func staticBeatsParameterAndParametersMatch() throws {
        let e = try makeEngine(Self.app)
        #expect(get(e, "/").text == "root")
        #expect(get(e, "/users/42").text == "user 42")
        #expect(get(e, "/users/me").text == "me")
        #expect(get(e, "/users/me/settings").text == "settings")
        #expect(get(e, "/users/7/posts/9").text == "7/9")
    }

    @Test func staticPrefixFallsBackToParameter() throws {
        // /users/me/posts/1 has no static route below "me", so "me" is the :id parameter.
        let e = try makeEngine(Self.app)
        #expect(get(e, "/users/me/posts/1").text == "me/1")
    }

    @Test func trailingAndRepeatedSlashesAndQueryAreIgnoredForRouting() throws {
        let e = try makeEngine(Self.app)
        #expect(get(e, "/users/42/").text == "user 42")
        #expect(get(e, "//users//42").text == "user 42")
        #expect(get(e, "/users/42?x=1").text == "user 42")
    }

    @Test func parametersArePercentDecoded() throws {
        let e = try makeEngine(Self.app)
        #expect(get(e, "/files/a%20b%2Fc+d").text == "a b/c+d")
    }

    @Test func unknownPathIs404() throws {
        let r = get(try makeEngine(Self.app), "/nope")
        #expect(r.status == 404)
        #expect(r.contentType == .json)
        #expect(r.text == #"{"error":"Route not found"}"#)
    }

    @Test func knownPathOtherMethodIs405WithAllow() throws {
        let e = try makeEngine(Self.app)
        let r = e.handle(Request(method: .post, target: "/users/1"))
        #expect(r.status == 405)
        #expect(r.headers == [HTTPField("Allow", "GET, HEAD, DELETE, OPTIONS")])  // Rover's order
        let other = e.handle(Request(method: .other, target: "/users/1"))
        #expect(other.status == 405)
    }

    /// HEAD is answered by the GET handler (the HTTP layer sends its headers only).
    @Test func headIsServedByGet() throws {
        let e = try makeEngine(Self.app)
        let r = e.handle(Request(method: .head, target: "/users/42"))
        #expect(r.status == 200)
        #expect(r.text == "user 42")
        #expect(e.handle(Request(method: .head, target: "/nope")).status == 404)
    }

    /// As Rover: OPTIONS on a known path without an OPTIONS handler is 204 with `Allow`.
    @Test func optionsListsTheMethods() throws {
        let e = try makeEngine(Self.app)
        let r = e.handle(Request(method: .options, target: "/users/me"))
        #expect(r.status == 204)
        #expect(r.body.isEmpty)
        #expect(r.headers == [HTTPField("Allow", "GET, HEAD, OPTIONS")])
        #expect(e.handle(Request(method: .options, target: "/nope")).status == 404)
    }

    @Test func deleteReturningNilIs204() throws {
        let r = try makeEngine(Self.app).handle(Request(method: .delete, target: "/users/1"))
        #expect(r.status == 204)
        #expect(r.contentType == nil)
        #expect(r.body.isEmpty)
    }
}
