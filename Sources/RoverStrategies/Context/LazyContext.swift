public import RoverEngine
public import RoverLua

/// The seed's Solution 1: `ctx` holds method, path and the request-data object in a hidden slot;
/// one metatable per VM has an `__index` that creates the accessor closure on each access
/// (calling `ctx:headers()` twice creates two closures, as the seed describes).
/// Per request: one table, one request ref, and one closure per accessor access.
public struct LazyContext: ContextBuilder {
    public init() {}

    public func prepare(_ vm: LuaVM) -> LuaRef? { vm.makeLazyContextMetatable(cached: false) }

    public func pushContext(_ vm: LuaVM, prepared: LuaRef?) {
        HiddenRequestContext.push(vm, metatable: prepared!)
    }
}

/// The shape lazy, cached and shared contexts have in common: method, path, the request ref in
/// the hidden slot, and a per-VM metatable.
enum HiddenRequestContext {
    static func push(_ vm: LuaVM, metatable: LuaRef) {
        let ctx = vm.pushContextTable(extraFields: 1)
        vm.pushRequestRef()
        vm.setHiddenRequest(of: ctx)
        vm.setMetatable(metatable, of: ctx)
    }
}
