-- Touches nothing on ctx: the cost of building a ctx nobody reads.
local api = rover.server {}

function api.hello.get(ctx)
  return { message = "Hello, World!" }
end

return api
