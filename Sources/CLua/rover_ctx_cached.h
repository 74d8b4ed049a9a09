// The `cached` context (the seed's Solution 2): lazy's __index (rover_ctx_lazy.h) with its cache
// flag set, so the closure made on a field's first read is stored in ctx (rawset) and a second
// access of the same accessor is a plain table hit.
#ifndef ROVER_CTX_CACHED_H
#define ROVER_CTX_CACHED_H

#include "rover_ctx_lazy.h"

/// Pushes the cached context's __index (lazy's, upvalue 1 = 1).
static inline void rover_push_cached_index(lua_State *L) { rover_push_lazy_index(L, 1); }

#endif
