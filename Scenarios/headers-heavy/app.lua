-- Calls ctx:headers() several times, as middleware-style code does: where caching pays.
local api = rover.server {}

function api.inspect.get(ctx)
  local agent = ctx:headers()["user-agent"]
  local accept = ctx:headers()["accept"]
  local id = ctx:headers()["x-request-id"]
  local n = 0  -- custom headers only: clients add their own Host, Connection, ...
  for name in pairs(ctx:headers()) do
    if name:sub(1, 2) == "x-" then n = n + 1 end
  end
  return { agent = agent, accept = accept, request_id = id, custom = n }
end

return api
