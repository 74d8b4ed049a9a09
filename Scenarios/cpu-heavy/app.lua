-- A fixed amount of Lua work per request, so that Lua, not ctx or HTTP, dominates.
local api = rover.server {}

function api.work.get(ctx)
  local acc = 0
  for i = 1, 20000 do
    acc = (acc + i * i) % 1000003
  end
  return { result = acc }
end

return api
