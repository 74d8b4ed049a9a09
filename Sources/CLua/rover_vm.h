// C functions Lua calls: allocator, hook, request accessors (engine-core work).
