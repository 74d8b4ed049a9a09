/// What an app uses that LuaJIT (the Lua 5.1 language, plus a few 5.2 extensions) lacks, so that
/// `--lua luajit` refuses the app at load naming the line, instead of failing with a parse error
/// near a symbol or, per request, with "attempt to call a nil value".
///
/// Part of AppScanner (RoverEngine): the same tokens, read for Lua 5.3/5.4 syntax and library
/// functions. Runs once per app file at load, only on LuaJIT.
extension AppScanner {
    /// Library functions of Lua 5.3/5.4 that LuaJIT does not have (LuaJIT has `unpack`, not `table.unpack`).
    static let luajitMissing: [String: Set<String>] = [
        "math": ["type", "tointeger", "ult"],
        "table": ["unpack", "move"],
        "string": ["pack", "unpack", "packsize"],
        "coroutine": ["close"],
    ]

    /// The first Lua 5.3+ construct in `source` that LuaJIT cannot run, in source order.
    static func firstLuaJITRefusal(in source: [UInt8]) -> Refusal? {
        let t = LuaTokens.tokenize(source)
        func text(_ k: Int) -> String? { k >= 0 && k < t.count ? t[k].text : nil }
        func adjacent(_ k: Int, _ a: String, _ b: String) -> Bool {
            t[k].kind == .punct && t[k].text == a && text(k + 1) == b && t[k + 1].kind == .punct && t[k + 1].line == t[k].line
        }
        for k in t.indices {
            let line = t[k].line
            if adjacent(k, "/", "/") { return Refusal(line: line, message: "integer division `//` is Lua 5.3+; luajit does not support it") }
            if adjacent(k, "<", "<") || adjacent(k, ">", ">") {
                return Refusal(line: line, message: "the shift operators `<<` `>>` are Lua 5.3+; luajit does not support them (use bit.lshift / bit.rshift)")
            }
            if t[k].kind == .punct && (t[k].text == "&" || t[k].text == "|" || (t[k].text == "~" && text(k + 1) != "=")) {
                return Refusal(line: line, message: "the bitwise operator `\(t[k].text)` is Lua 5.3+; luajit does not support it (use the bit library)")
            }
            if t[k].kind == .punct && t[k].text == "<", k + 2 < t.count, t[k + 1].kind == .name,
               ["const", "close"].contains(t[k + 1].text), t[k + 2].text == ">", k > 0, t[k - 1].kind == .name {
                return Refusal(line: line, message: "the attribute <\(t[k + 1].text)> is Lua 5.4; luajit does not support it")
            }
            if t[k].kind == .name, !(k > 0 && (t[k - 1].text == "." || t[k - 1].text == ":")),
               let missing = luajitMissing[t[k].text], text(k + 1) == ".", k + 2 < t.count,
               t[k + 2].kind == .name, missing.contains(t[k + 2].text) {
                return Refusal(line: line, message: "\(t[k].text).\(t[k + 2].text) is Lua 5.3+; luajit does not have it")
            }
            if t[k].kind == .name && t[k].text == "utf8" && text(k + 1) == "." && !(k > 0 && text(k - 1) == ".") {
                return Refusal(line: line, message: "the utf8 library is Lua 5.3+; luajit does not have it")
            }
        }
        return nil
    }
}
