-- As `hello` (touches nothing on ctx), served with the Rover-defaults profile: what current
-- Rover adds to every answer (security headers, Vary, a request id) and nothing else.
local api = rover.server {}

function api.hello.get(ctx)
  return { message = "Hello, World!" }
end

return api
