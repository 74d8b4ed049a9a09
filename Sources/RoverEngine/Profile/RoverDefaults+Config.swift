import RoverCoding
import RoverLua
import RoverKinds

/// Reading the `rover.server{}` keys the engine handles itself (the prelude lets them through,
/// `CONFIG_ENGINE`): the Rover-defaults profile's keys, and keys Rover parses but never applies per
/// request, which are checked as Rover checks them and then do nothing. Parsing follows
/// rover-server/src/lib.rs at `6e77dd3` (lines cited per key).
extension RoverDefaults {
    /// Keys that configure the profile: refused under the `seed` profile (they would be ignored).
    static let profileKeys: [String] = ["security_headers", "allow_insecure_security_header_overrides", "cors_origin",
                                        "cors_methods", "cors_headers", "cors_credentials",
                                        "allow_wildcard_cors_credentials", "compress"]

    /// Reads the config table at `config` (the app's `api.config`). Throws naming the file and
    /// the key's line for a key the profile does not allow, or a value Rover refuses.
    static func read(_ vm: LuaVM, config: Int32, profile: ResponseProfile, path: String, source: [UInt8]) throws(EngineError) -> RoverDefaults {
        func fail(_ key: String, _ message: String) -> EngineError {
            EngineError(.unsupported, "\(path):\(AppScanner.line(ofKey: key, in: source)): \(message)")
        }
        func type(_ key: String) -> LuaType { vm.withRawField(key, of: config) { _, t in t } }
        func bool(_ key: String) -> Bool? { vm.withRawField(key, of: config) { i, t in t == .boolean ? vm.boolean(at: i) : nil } }
        func string(_ key: String) -> String? { vm.withRawField(key, of: config) { i, t in t == .string ? vm.string(at: i) : nil } }
        func requireBool(_ key: String, _ message: String) throws(EngineError) {
            let t = type(key)
            if t != .nil && t != .boolean { throw fail(key, message) }
        }

        // Keys Rover parses and never applies per request: checked as Rover does, then ignored.
        let rate = type("rate_limit")  // lib.rs:804-855; nothing outside lib.rs reads config.rate_limit
        if rate != .nil && rate != .boolean && rate != .table { throw fail("rate_limit", "rate_limit should be a boolean or table") }
        let shed = type("load_shed")   // lib.rs:857-899; nothing outside lib.rs reads config.load_shed
        if shed != .nil && shed != .boolean && shed != .table { throw fail("load_shed", "load_shed should be a boolean or table") }
        try requireBool("https_redirect", "https_redirect should be a boolean")          // lib.rs:1229-1233
        try requireBool("allow_insecure_http", "allow_insecure_http should be a boolean")  // lib.rs:1166-1170

        if profile == .seed {
            for key in profileKeys where type(key) != .nil {
                throw fail(key, "rover.server{ \(key) = ... } configures Rover's per-request defaults, which the seed profile leaves out; run it with the Rover-defaults profile (serve --profile rover-defaults, or \"profile\": \"rover-defaults\" in scenario.json)")
            }
            return RoverDefaults()
        }

        var d = RoverDefaults()
        try requireBool("security_headers", "security_headers should be a boolean")  // lib.rs:1223-1227
        d.securityHeaders = bool("security_headers") ?? true
        try requireBool("allow_insecure_security_header_overrides", "allow_insecure_security_header_overrides should be a boolean")
        d.allowInsecureOverrides = bool("allow_insecure_security_header_overrides") ?? false
        try requireBool("allow_wildcard_cors_credentials", "allow_wildcard_cors_credentials should be a boolean")
        let wildcardCredentials = bool("allow_wildcard_cors_credentials") ?? false
        // lib.rs:1203-1222: a value of the wrong type is treated as absent.
        d.corsOrigin = string("cors_origin")
        if let m = string("cors_methods") { d.corsMethods = m }
        if let h = string("cors_headers") { d.corsHeaders = h }
        d.corsCredentials = bool("cors_credentials") ?? false
        d.codings = try readCompress(vm, config: config, fail: fail)

        // Start-up checks under strict_mode (on unless `strict_mode = false`; lib.rs:1066-1116),
        // for the keys read here.
        let strict = vm.withRawField("strict_mode", of: config) { i, t in t == .boolean ? vm.boolean(at: i) : true }
        if strict {
            if d.corsCredentials && d.corsOrigin == "*" && !wildcardCredentials {
                throw fail("cors_credentials", "strict_mode blocks cors_origin='*' with cors_credentials=true. Set a specific origin, or set allow_wildcard_cors_credentials = true")
            }
            if !d.securityHeaders && !d.allowInsecureOverrides {
                throw fail("security_headers", "strict_mode requires security_headers=true. Set security_headers = true, or set allow_insecure_security_header_overrides = true")
            }
        }
        return d
    }

    /// `compress = { enabled, min_size, algorithms, types }` (lib.rs:722-802). Only `algorithms`
    /// is applied per request (event_loop.rs:3822); `enabled`, `min_size` and `types` are checked
    /// and then do nothing, as in Rover (event_loop.rs:1682 uses a constant 1024 and a fixed
    /// type list).
    private static func readCompress(_ vm: LuaVM, config: Int32, fail: (String, String) -> EngineError) throws(EngineError) -> [ContentCoding] {
        try vm.withRawField("compress", of: config) { (c, t) throws(EngineError) -> [ContentCoding] in
            if t == .nil { return [.gzip, .deflate] }
            guard t == .table else { throw fail("compress", "compress should be a table") }
            let enabled = vm.withRawField("enabled", of: c) { _, t in t }
            if enabled != .nil && enabled != .boolean { throw fail("compress", "compress.enabled should be a boolean") }
            let minSize: (LuaType, Double) = vm.withRawField("min_size", of: c) { i, t in (t, t == .number ? vm.number(at: i) : 0) }
            if minSize.0 != .nil {
                guard minSize.0 == .number else { throw fail("compress", "compress.min_size should be a number") }
                if minSize.1 < 0 { throw fail("compress", "compress.min_size should be >= 0") }
            }
            var codings: [ContentCoding] = []
            let algos = try vm.withRawField("algorithms", of: c) { (a, t) throws(EngineError) -> [ContentCoding]? in
                if t == .nil { return nil }
                guard t == .table else { throw fail("compress", "compress.algorithms should be an array") }
                var bad: String? = nil
                var notString = false
                vm.forEachElement(of: a) { _, e, et in
                    guard bad == nil, !notString else { return }
                    guard et == .string, let name = vm.string(at: e) else { notString = true; return }
                    switch name.lowercased() {
                    case "gzip", "x-gzip": codings.append(.gzip)
                    case "deflate": codings.append(.deflate)
                    default: bad = name
                    }
                }
                if notString { throw fail("compress", "compress.algorithms should be an array of strings") }
                if let bad { throw fail("compress", "compress.algorithms contains unsupported value '\(bad)'; supported values: 'gzip' and 'deflate'") }
                if codings.isEmpty { throw fail("compress", "compress.algorithms should not be empty") }
                return codings
            }
            let types = try vm.withRawField("types", of: c) { (tt, t) throws(EngineError) -> Bool in
                if t == .nil { return true }
                guard t == .table else { throw fail("compress", "compress.types should be an array") }
                var ok = true
                vm.forEachElement(of: tt) { _, _, et in if et != .string { ok = false } }
                return ok
            }
            if !types { throw fail("compress", "compress.types should be an array of strings") }
            return algos ?? [.gzip, .deflate]
        }
    }
}
