import RoverKinds
@testable import RoverLua
import Testing

/// The process runs the runtime it was asked for (`ROVER_LUA`: Scripts/test.sh runs the Lua-facing
/// suites a second time on LuaJIT), and both runtimes behave alike through the shim.
@Suite struct LuaRuntimeTests {
    @Test func theProcessRunsTheRuntimeItWasAskedFor() throws {
        let vm = LuaVM()
        #expect(LuaRuntime.loaded == LuaRuntime.processDefault)
        try vm.run(source: Array("return jit ~= nil".utf8), name: "=test", results: 1)
        #expect(vm.boolean(at: -1) == (LuaRuntime.processDefault == .luajit))
        vm.pop()
        let other: LuaRuntime = LuaRuntime.processDefault == .luajit ? .lua54 : .luajit
        #expect(throws: LuaRuntimeError.self) { try other.load() }  // one library per process
        #expect(vm.top == 0)
    }

    @Test func integersAndFloatsEncodeAsOnLua54() throws {
        let vm = LuaVM()
        try vm.run(source: Array("return { a = 3, b = 1.5, c = -7 }".utf8), name: "=test", results: 1)
        var json: [UInt8] = []
        try vm.appendJSON(at: -1, to: &json)
        #expect(String(decoding: json, as: UTF8.self).contains(#""a":3"#))
        #expect(String(decoding: json, as: UTF8.self).contains(#""b":1.5"#))
        #expect(String(decoding: json, as: UTF8.self).contains(#""c":-7"#))
        vm.pop()
        #expect(vm.top == 0)
    }
}
