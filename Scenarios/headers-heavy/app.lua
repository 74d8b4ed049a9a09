-- Calls ctx:headers() several times, as middleware-style code does: where caching pays.
local api = rover.server {}

function api.inspect.get(ctx)
  local agent = ctx:headers()["user-agent"]
  local accept = ctx:headers()["accept"]
  local id = ctx:headers()["x-request-id"]
  local n = 0
  for _ in pairs(ctx:headers()) do n = n + 1 end
  return { agent = agent, accept = accept, request_id = id, count = n }
end

return api
