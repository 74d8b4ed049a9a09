import RoverSystem
import RoverEngine
import RoverStrategies
import Testing
import RoverKinds

/// `ctx:body():expect(schema)`, `ctx:body():json():expect(schema)` and `rover.guard(data, schema)`
/// with Rover's semantics (rover-types/src/guard.rs, rover-core/src/guard.lua and surface.rs,
/// rover-server/src/http_task.rs): types, required, defaults, enums, nested objects and arrays,
/// and the errors' status, body and text — the same under every context builder.
@Suite struct GuardTests {
    static let app = """
    local api = rover.server {}
    local g = rover.guard
    local function answer(ok, v) if ok then return v end return api:error(400, v) end

    -- builder-made schemas (Rover's examples)
    function api.b.post(ctx)
      return ctx:body():expect {
        name = g:string():required "Name please",
        age = g:integer(),
        price = g:number(),
        active = g:boolean(),
        role = g:string():enum { "admin", "user" },
        theme = g:string():default "light",
        tags = g:array(g:string()),
        user = g:object { email = g:string() },
      }
    end
    -- config-table schemas: required, required_msg, default, enum are read as written
    function api.c.post(ctx)
      return ctx:body():expect {
        name = { type = "string", required = true, required_msg = "Name please" },
        nick = { type = "string" },
        age = { type = "integer" },
        price = { type = "number" },
        theme = { type = "string", default = "light" },
        count = { type = "integer", default = "not checked" },
        role = { type = "string", enum = { "admin", "user", 7 } },
        tags = { type = "array", element = { type = "integer" } },
        user = { type = "object", schema = { email = { type = "string", required = true } } },
        items = { type = "array", element = { type = "object", schema = {
          id = { type = "integer", required = true }, name = { type = "string" } } } },
      }
    end
    function api.odd.post(ctx)
      return ctx:body():expect { a = { type = "uuid" }, b = { required = true }, c = { type = "array" },
                                 d = { type = "object" } }
    end
    function api.badschema.post(ctx) return ctx:body():expect { a = "string" } end
    function api.pcall.post(ctx)
      return answer(pcall(function() return ctx:body():expect { name = g:string(), age = g:integer() } end))
    end
    function api.xpcall.post(ctx)
      return answer(xpcall(function() return ctx:body():expect { name = g:string(), age = g:integer() } end,
        function(err)
          local s = tostring(err):gsub("^runtime error: ", "")
          local p = s:find "\\nstack traceback:"
          return p and s:sub(1, p - 1) or s
        end))
    end
    function api.str.post(ctx)
      local ok, err = pcall(function() return ctx:body():expect { name = g:string(), age = g:integer() } end)
      return api.text(tostring(err))
    end
    function api.validate.post(ctx)
      return answer(pcall(g.validate, function() return ctx:body():expect { name = g:string(), age = g:integer() } end))
    end
    function api.jx.post(ctx) return ctx:body():json():expect { name = g:string() } end
    function api.guard.post(ctx)
      return rover.guard(ctx:body():json(), { name = g:string(), n = { type = "integer", default = 1 } })
    end
    function api.guardargs.post(ctx) return rover.guard("x", {}) end
    function api.ext.post(ctx)
      local dbg = g:extend { primary = function(self) self._primary = true return self end }
      return ctx:body():expect { id = dbg:integer():primary(), name = dbg:string():nullable() }
    end
    return api
    """

    static func post(_ e: Engine, _ target: String, _ body: String) -> Response {
        e.handle(Request(method: .post, target: target, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
    }

    /// `{"errors":[…]}` from (field, message, type) triples, keys sorted as the engine writes them.
    static func errors(_ list: [(String, String, String)]) -> String {
        #"{"errors":["# + list.map { #"{"field":"\#($0.0)","message":"\#($0.1)","type":"\#($0.2)"}"# }
            .joined(separator: ",") + "]}"
    }

    @Test(arguments: ContextKind.allCases)
    func builderSchemasCheckTypesAndMakeEveryFieldRequired(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        let full = #"{"name":"Ada","age":36,"price":12,"active":true,"role":"guest","theme":"dark","tags":["a","b"],"user":{"email":"a@b.c"},"extra":1}"#
        let ok = Self.post(e, "/b", full)
        #expect(ok.status == 200)
        // number turns the integer 12 into a float; the enum is not applied (builders keep it in _enum);
        // fields outside the schema are dropped
        #expect(ok.text == onThisRuntime(#"{"active":true,"age":36,"name":"Ada","price":12.0,"role":"guest","tags":["a","b"],"theme":"dark","user":{"email":"a@b.c"}}"#))
        // every builder-made field is required: the `:required` method is what Rover's get("required") finds;
        // :required "Name please" and :default "light" are not read (Rover reads required_msg and default raw)
        let empty = Self.post(e, "/b", "{}")
        #expect(empty.status == 400)
        #expect(empty.text == Self.errors(["active", "age", "name", "price", "role", "tags", "theme", "user"]
            .map { ($0, "Field '\($0)' is required", "required") }))
        let wrong = Self.post(e, "/b", #"{"name":7,"age":1.5,"price":"x","active":"yes","role":true,"theme":{},"tags":["a",2,null],"user":{"email":false}}"#)
        #expect(wrong.status == 400)
        #expect(wrong.text == Self.errors([
            ("active", "Must be a boolean, got string", "type"),
            ("age", "Must be an integer, got float 1.5", "type"),
            ("name", "Must be a string, got integer", "type"),
            ("price", "Must be a number, got string", "type"),
            ("role", "Must be a string, got boolean", "type"),
            ("tags[2]", "Must be a string, got integer", "type"),
            ("theme", "Must be a string, got table", "type"),
            ("user.email", "Must be a string, got boolean", "type"),
        ]))
        #expect(e.counters.snapshot().luaErrors == 0)  // a client error, not a Lua failure
    }

    @Test(arguments: ContextKind.allCases)
    func configSchemasHonourRequiredDefaultAndEnum(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        let ok = Self.post(e, "/c", #"{"name":"Ada","age":3.0,"price":2,"role":"user","tags":[1,2],"user":{"email":"x"},"items":[{"id":1},{"id":2,"name":"b"}]}"#)
        #expect(ok.status == 200)
        // optional fields stay nil; defaults fill in without a type check; an integral float is an integer
        #expect(ok.text == onThisRuntime(#"{"age":3,"count":"not checked","items":[{"id":1},{"id":2,"name":"b"}],"name":"Ada","price":2.0,"role":"user","tags":[1,2],"theme":"light","user":{"email":"x"}}"#))
        let bad = Self.post(e, "/c", #"{"role":"root","tags":[1,"2",3.5],"user":{},"items":[{"name":"a"},{"id":"x"}],"theme":"dark"}"#)
        #expect(bad.status == 400)
        #expect(bad.text == Self.errors([
            ("items[1].id", "Field 'items[1].id' is required", "required"),
            ("items[2].id", "Must be an integer, got string", "type"),
            ("name", "Name please", "required"),
            ("role", "Must be one of: admin, user. Got: 'root'", "enum"),
            ("tags[2]", "Must be an integer, got string", "type"),
            ("tags[3]", "Must be an integer, got float 3.5", "type"),
            ("user.email", "Field 'user.email' is required", "required"),
        ]))
        let kinds = Self.post(e, "/c", #"{"name":"a","tags":"x","user":[],"items":{}}"#)
        #expect(kinds.text == Self.errors([("tags", "Must be an array, got string", "type"),
                                            ("user.email", "Field 'user.email' is required", "required")]))
        let odd = Self.post(e, "/odd", #"{"a":1,"b":2,"c":[1],"d":{}}"#)
        #expect(odd.text == Self.errors([
            ("a", "Unknown validator type: uuid", "config"),
            ("b", "Invalid validator configuration", "config"),
            ("c", "Invalid array element configuration", "config"),
            ("d", "Invalid object schema configuration", "config"),
        ]))
        #expect(Self.post(e, "/badschema", "{}").text == Self.errors([("", "Failed to read schema pairs", "config")]))
    }

    @Test(arguments: ContextKind.allCases)
    func caughtErrorsAnswerAsRoverDoes(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        let body = #"{"age":"x"}"#
        let expected = Self.errors([("age", "Must be an integer, got string", "type"), ("name", "Field 'name' is required", "required")])
        for path in ["/pcall", "/xpcall", "/validate"] {  // api:error(400, err or its text) → {"errors": …}
            let r = Self.post(e, path, body)
            #expect(r.status == 400, "\(path)")
            #expect(r.text == expected, "\(path)")
        }
        // tostring(err): Rover's ValidationErrors text
        #expect(Self.post(e, "/str", body).text == """
            Validation failed for request body:

              1. Field 'age'
                 Error: Must be an integer, got string
                 Type: type

              2. Field 'name'
                 Error: Field 'name' is required
                 Type: required

            """)
        #expect(Self.post(e, "/pcall", #"{"name":"a","age":2}"#).text == #"{"age":2,"name":"a"}"#)
    }

    @Test(arguments: ContextKind.allCases)
    func guardCallJsonExpectAndExtend(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        #expect(Self.post(e, "/guard", #"{"name":"a"}"#).text == #"{"n":1,"name":"a"}"#)
        let bad = Self.post(e, "/guard", #"{"n":true}"#)
        #expect(bad.status == 400)
        #expect(bad.text == Self.errors([("n", "Must be an integer, got boolean", "type"), ("name", "Field 'name' is required", "required")]))
        #expect(Self.post(e, "/jx", #"{"name":"a","x":1}"#).text == #"{"name":"a"}"#)
        #expect(Self.post(e, "/jx", #"{}"#).text == Self.errors([("name", "Field 'name' is required", "required")]))
        let args = Self.post(e, "/guardargs", "{}")
        #expect(args.status == 500)
        #expect(args.text.contains("First argument must be a table"))
        // extended validators are required too (`:nullable()` sets _required = false, which Rover never reads)
        #expect(Self.post(e, "/ext", #"{"id":1}"#).text == Self.errors([("name", "Field 'name' is required", "required")]))
        #expect(Self.post(e, "/ext", #"{"id":1,"name":"x"}"#).text == #"{"id":1,"name":"x"}"#)
    }

    @Test(arguments: ContextKind.allCases)
    func bodiesThatAreNotObjects(context: ContextKind) throws {
        let e = try makeEngine(Self.app, context: context)
        let scalar = Self.post(e, "/pcall", "42")
        #expect(scalar.status == 400)  // caught by pcall, answered by api:error
        #expect(scalar.text.contains("Request body must be a JSON object"))
        let uncaught = Self.post(e, "/b", "\"text\"")
        #expect(uncaught.status == 500)
        #expect(uncaught.text == #"{"error":"Request body must be a JSON object"}"#)
        let malformed = Self.post(e, "/b", "{\"a\": }")
        #expect(malformed.status == 400)  // the engine's malformed-JSON answer, as :json()
        #expect(malformed.text == #"{"error":"Invalid JSON: unexpected character at byte 6"}"#)
        #expect(Self.post(e, "/c", #"{"name":"a"}"#).status == 200)  // the VM serves on
    }

    /// Floats print as Rust prints an f64 (shortest round-trip digits, never an exponent); JSON null
    /// is a missing value; a non-UTF-8 enum entry is a config error, typed as each of Rover's two
    /// copies of the validator types it ("type" for :expect, "config" for rover.guard).
    @Test(arguments: ContextKind.allCases)
    func floatTextNullAndEnumEntries(context: ContextKind) throws {
        let e = try makeEngine("""
        local api = rover.server {}
        function api.i.post(ctx) return ctx:body():expect { n = { type = "integer", required = true } } end
        local bad = { type = "string", enum = { "ok", "\\255" } }
        function api.ex.post(ctx) return ctx:body():expect { s = bad } end
        function api.gu.post(ctx) return rover.guard(ctx:body():json(), { s = bad }) end
        return api
        """, context: context)
        for (value, text) in [("1e-7", "0.0000001"), ("-2.5", "-2.5"), ("123456.789", "123456.789"), ("0.1", "0.1"),
                              ("1.5e300", nil), ("2.0", nil), ("-0.0", nil)] as [(String, String?)] {
            let r = Self.post(e, "/i", #"{"n":\#(value)}"#)
            if let text {
                #expect(r.text == Self.errors([("n", "Must be an integer, got float \(text)", "type")]), "\(value)")
            } else {
                #expect(r.status == 200, "\(value): \(r.text)")  // integral: an integer (1.5e300 saturates)
            }
        }
        #expect(Self.post(e, "/i", #"{"n":null}"#).text == Self.errors([("n", "Field 'n' is required", "required")]))
        #expect(Self.post(e, "/ex", #"{"s":"ok"}"#).text == Self.errors([("s", "Invalid enum value", "type")]))
        #expect(Self.post(e, "/gu", #"{"s":"ok"}"#).text == Self.errors([("s", "Invalid enum value", "config")]))
    }

    /// A cyclic schema stops with a Lua error (Rover would overflow its stack), and the VM serves on.
    @Test func cyclicSchemaIsAnErrorNotACrash() throws {
        let e = try makeEngine("""
        local api = rover.server {}
        local s = {}
        s.me = { type = "object", schema = s }
        function api.x.post(ctx)
          local t = {} t.me = t
          return rover.guard(t, s)
        end
        function api.y.post(ctx) return rover.guard({ a = 1 }, { a = { type = "integer" } }) end
        return api
        """)
        let r = Self.post(e, "/x", "{}")
        #expect(r.status == 500)
        #expect(r.text.contains("schema nesting deeper than 100"))
        #expect(Self.post(e, "/y", "{}").text == #"{"a":1}"#)
    }
}
