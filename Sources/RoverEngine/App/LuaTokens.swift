/// A minimal Lua 5.4 tokenizer for `AppScanner`: names, strings and punctuation with their
/// line numbers; comments, numbers and whitespace dropped. It never fails: the app is compiled by
/// Lua afterwards, which reports real syntax errors with their lines.
struct LuaToken: Equatable {
    enum Kind: Equatable { case name, string, punct }
    var kind: Kind
    /// The name, the punctuation (`.` `:` `(` …), or "" for a string.
    var text: String
    var line: Int
}

enum LuaTokens {
    static func tokenize(_ s: [UInt8]) -> [LuaToken] {
        var out: [LuaToken] = []
        var i = 0, line = 1
        let n = s.count
        func at(_ k: Int) -> UInt8 { k < n ? s[k] : 0 }
        /// The level of a long bracket `[==[` at `k`, or nil.
        func longOpen(_ k: Int) -> Int? {
            guard at(k) == UInt8(ascii: "[") else { return nil }
            var j = k + 1, level = 0
            while at(j) == UInt8(ascii: "=") { level += 1; j += 1 }
            return at(j) == UInt8(ascii: "[") ? level : nil
        }
        /// Skips a long bracket of `level` opening at `i`; counts its lines.
        func skipLong(_ level: Int) {
            i += level + 2
            while i < n {
                if s[i] == UInt8(ascii: "\n") { line += 1 }
                if s[i] == UInt8(ascii: "]") {
                    var j = i + 1, l = 0
                    while at(j) == UInt8(ascii: "=") { l += 1; j += 1 }
                    if l == level && at(j) == UInt8(ascii: "]") { i = j + 1; return }
                }
                i += 1
            }
        }
        while i < n {
            let c = s[i]
            if c == UInt8(ascii: "\n") { line += 1; i += 1; continue }
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") { i += 1; continue }
            if c == UInt8(ascii: "-") && at(i + 1) == UInt8(ascii: "-") {
                i += 2
                if let level = longOpen(i) { skipLong(level); continue }
                while i < n && s[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            }
            if let level = longOpen(i) {
                out.append(LuaToken(kind: .string, text: "", line: line))
                skipLong(level)
                continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                out.append(LuaToken(kind: .string, text: "", line: line))
                i += 1
                while i < n && s[i] != c {
                    if s[i] == UInt8(ascii: "\\") { i += 1 }
                    if i < n && s[i] == UInt8(ascii: "\n") { line += 1 }
                    i += 1
                }
                i += 1
                continue
            }
            if isNameStart(c) {
                let start = i
                while i < n && (isNameStart(s[i]) || (s[i] >= 0x30 && s[i] <= 0x39)) { i += 1 }
                out.append(LuaToken(kind: .name, text: String(decoding: s[start..<i], as: UTF8.self), line: line))
                continue
            }
            if c >= 0x30 && c <= 0x39 {  // a number (hex, exponents, fractions): skip it whole
                while i < n && (isNameStart(s[i]) || (s[i] >= 0x30 && s[i] <= 0x39) || s[i] == UInt8(ascii: ".")
                                || ((s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"))
                                    && (s[i - 1] | 0x20 == UInt8(ascii: "e") || s[i - 1] | 0x20 == UInt8(ascii: "p")))) { i += 1 }
                continue
            }
            if c == UInt8(ascii: ".") && at(i + 1) == UInt8(ascii: ".") {  // .. and ...
                i += at(i + 2) == UInt8(ascii: ".") ? 3 : 2
                out.append(LuaToken(kind: .punct, text: "..", line: line))
                continue
            }
            if c == UInt8(ascii: ":") && at(i + 1) == UInt8(ascii: ":") {  // a goto label
                i += 2
                out.append(LuaToken(kind: .punct, text: "::", line: line))
                continue
            }
            out.append(LuaToken(kind: .punct, text: String(UnicodeScalar(c)), line: line))
            i += 1
        }
        return out
    }

    private static func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == UInt8(ascii: "_") || c >= 0x80
    }
}
