/// A second chunk, run after the prelude only for an app whose source names one of the keys the
/// engine reads itself or `on_error` (`AppLoader`), so the prelude every seed-era app loads is
/// unchanged (its heap decides when Lua's collector runs, and the gate counts instructions).
///
/// - `rover.server{}` lets through the keys the engine reads from `api.config`
///   (`RoverDefaults.read`): the Rover-defaults profile's keys and the keys Rover parses but never
///   applies per request. Every other key goes on to the prelude's own check, whose refusal is
///   re-raised at the app's line.
/// - `api.on_error(err)`, Rover's error handler (rover-server/src/http_task.rs:987-1040), at the
///   root only (rover-core/src/server.rs:1135-1159): when a route's handler or hooks raise, it gets
///   `{ message, path, status, code = "ERROR" }` (status 404 when the message says "not found",
///   400 when it says "validation" or "required", else 500); a response it returns is the
///   answer; anything else, or an error in it, re-raises the first error.
extension RoverPrelude {
    static let engineChunkName = "=rover-engine"
    static let engineKeys: [String] = ["security_headers", "allow_insecure_security_header_overrides", "cors_origin",
                                       "cors_methods", "cors_headers", "cors_credentials",
                                       "allow_wildcard_cors_credentials", "compress", "rate_limit", "load_shed",
                                       "https_redirect", "allow_insecure_http"]
    /// Names in an app's source that make `AppLoader` run `engine`.
    static let engineTriggers: Set<String> = Set(engineKeys + ["on_error"])

    static let engine = """
    local ENGINE = { \(engineKeys.map { "\($0) = true" }.joined(separator: ", ")) }
    local server, routes, RESPONSE = rover.server, rover.__routes, rover.__response_mt

    function rover.server(config)
      if config ~= nil and type(config) ~= "table" then error("rover.server expects a table", 2) end
      local rest = {}
      for k, v in next, config or {} do
        if not ENGINE[k] then rest[k] = v end
      end
      local ok, api = pcall(server, rest)
      if not ok then error((tostring(api):gsub("^[^:]*:%d+: ", "")), 2) end
      rawset(api, "config", config or {})
      return api
    end

    local function with_error_handler(fn, handler)
      return function(ctx)
        local ok, r = pcall(fn, ctx)
        if ok then return r end
        local message = tostring(r)
        local status = 500
        if message:find("not found", 1, true) then status = 404
        elseif message:find("validation", 1, true) or message:find("required", 1, true) then status = 400 end
        local handled, answer = pcall(handler, { message = message, path = ctx.path, status = status, code = "ERROR" })
        if handled and rawequal(getmetatable(answer), RESPONSE) then return answer end
        error(r, 0)
      end
    end

    function rover.__routes(api)
      local on_error = type(api) == "table" and rawget(api, "on_error") or nil
      if type(on_error) ~= "function" then return routes(api) end
      rawset(api, "on_error", nil)
      local list, err = routes(api)
      rawset(api, "on_error", on_error)
      if list then
        for i = 1, #list do list[i].fn = with_error_handler(list[i].fn, on_error) end
      end
      return list, err
    end
    """
}
