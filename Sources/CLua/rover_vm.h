// The C functions every VM has: the counting allocator (with the memory limit), the
// instruction-budget hook and the message handler. The request (rover_request.h) and the context
// strategies (rover_ctx_common.h, rover_ctx_<name>.h) build on this.
//
// Why C: Lua raises errors with longjmp. Everything here may raise (luaL_error, memory errors),
// and it does so from C frames only. Swift calls into Lua only through lua_pcall, and does its own
// stack work with the allocation limit disarmed, so no Lua error can unwind a Swift frame.
#ifndef ROVER_VM_H
#define ROVER_VM_H

#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "rover_lua.h"
#include "rover_reject.h"

// MARK: - Per-VM state (the allocator's `ud`)

typedef struct RoverVMState {
    unsigned long long allocs;   // blocks allocated or grown
    unsigned long long bytes;    // bytes requested by those allocations (growth only for reallocs)
    size_t live;                 // bytes held now
    size_t peak;                 // high-water mark of `live`
    size_t limit;                // 0: no limit
    int limit_armed;             // the limit applies only while a handler runs
    int limit_hit;               // an allocation was refused since the last reset
    int budget_hit;              // the instruction budget ran out since the last reset
    unsigned long long closures; // accessor closures created (eager: 4 per request; lazy: per access)
    unsigned long long generation; // current request; a ctx kept past its request is refused
    int budget;                  // instructions per protected call (0: unlimited)
    int budget_armed;            // the budget applies only while a handler runs
    long long remaining;         // instructions the running handler may still use, all threads together
} RoverVMState;

static inline void *rover_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    RoverVMState *st = (RoverVMState *)ud;
    size_t old = ptr ? osize : 0;  // when ptr is NULL, osize encodes the object type
    if (nsize == 0) {
        free(ptr);
        st->live -= old;
        return NULL;
    }
    if (nsize > old && st->limit_armed && st->limit != 0 && st->live - old + nsize > st->limit) {
        st->limit_hit = 1;
        return NULL;  // Lua raises LUA_ERRMEM from its own frame
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) return NULL;
    if (nsize > old) {
        st->allocs += 1;
        st->bytes += nsize - old;
    }
    st->live = st->live - old + nsize;
    if (st->live > st->peak) st->peak = st->live;
    return p;
}

static void rover_budget_hook(lua_State *L, lua_Debug *ar);

/// Hooks count per thread, in quanta of at most this many instructions.
#define ROVER_BUDGET_QUANTUM 1000

static inline lua_State *rover_newstate(RoverVMState *st) {
    lua_State *L = lua_newstate(rover_alloc, st);
    // Installed now, disarmed: every thread made later (coroutine.create/wrap, at load time or in a
    // handler) inherits the hook, so no coroutine runs outside the budget.
    if (L != NULL) lua_sethook(L, rover_budget_hook, LUA_MASKCOUNT, ROVER_BUDGET_QUANTUM);
    return L;
}

static inline RoverVMState *rover_vmstate(lua_State *L) {
    void *ud = NULL;
    (void)lua_getallocf(L, &ud);
    return (RoverVMState *)ud;
}

// MARK: - Instruction budget

// Lua's hooks are per thread: a count hook set on the main thread does not see the instructions of
// a coroutine the handler runs. So each thread counts in quanta (its own hook count) and every
// firing subtracts the quantum from the one `remaining` of the running handler; the budget is spent
// when `remaining` reaches 0, whichever threads ran. A thread that ends between two firings runs up
// to one quantum uncounted (the parent's instructions to create and resume it are counted).

static void rover_budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    RoverVMState *st = rover_vmstate(L);
    if (!st->budget_armed) return;
    st->remaining -= lua_gethookcount(L);
    if (st->remaining > 0) return;
    st->budget_hit = 1;
    // From now on every instruction of this thread raises, so a handler cannot swallow the error
    // with pcall and keep looping: any instruction outside the inner pcall raises again.
    lua_sethook(L, rover_budget_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction budget exhausted");
}

static inline int rover_budget_quantum(int budget) {
    return budget > 0 && budget < ROVER_BUDGET_QUANTUM ? budget : ROVER_BUDGET_QUANTUM;
}

/// Restarts `thread`'s own instruction count (for a coroutine about to run a new request).
///
/// LuaJIT differs twice: its hook and count are global (one for all threads), and an installed
/// count hook makes its interpreter call into C for every bytecode. So without a budget the hook
/// is removed there, and with one the JIT compiler is off (rover_vm_jit): compiled traces never
/// call count hooks, so the budget holds only in the interpreter.
static inline void rover_budget_thread(lua_State *thread, int budget) {
    if (budget <= 0 && rover_lua.kind == ROVER_LUAJIT) { lua_sethook(thread, NULL, 0, 0); return; }
    lua_sethook(thread, rover_budget_hook, LUA_MASKCOUNT, rover_budget_quantum(budget));
}

/// LuaJIT only: turns its JIT compiler on (no instruction budget) or off and flushes compiled code
/// (a budget: count hooks run in the interpreter only). Returns whether the JIT is now on.
static inline int rover_vm_jit(lua_State *L, int on) {
    if (rover_lua.kind != ROVER_LUAJIT) return 0;
    // Two calls: with FLUSH set, luaJIT_setmode only flushes (it ignores ON/OFF).
    rover_lua.jit.setmode(L, 0, ROVER_LUAJIT_MODE_ENGINE | (on ? ROVER_LUAJIT_MODE_ON : ROVER_LUAJIT_MODE_OFF));
    if (!on) {
        rover_lua.jit.setmode(L, 0, ROVER_LUAJIT_MODE_ENGINE | ROVER_LUAJIT_MODE_FLUSH);
        lua_sethook(L, rover_budget_hook, LUA_MASKCOUNT, ROVER_BUDGET_QUANTUM);
    }
    return on;
}

/// Arms (count > 0) or disarms the budget for the next handler call on the main thread; restarts
/// the main thread's count. The hook stays installed either way (see rover_newstate).
static inline void rover_set_budget(lua_State *L, int count) {
    RoverVMState *st = rover_vmstate(L);
    st->remaining = count;
    st->budget_armed = count > 0;
    rover_budget_thread(L, count);
}

// MARK: - Message handler: error message + traceback

static int rover_msgh(lua_State *L) {
    if (rover_is_rejection(L, 1)) return 1;  // an HTTP answer, not a failure: no traceback
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

static inline lua_CFunction rover_msgh_function(void) { return rover_msgh; }

#endif
