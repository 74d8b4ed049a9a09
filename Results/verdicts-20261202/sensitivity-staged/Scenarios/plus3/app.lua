-- params-only plus a fixed loop of 17 iterations: the same answer, a known extra cost.
local api = rover.server {}

function api.users.p_id.get(ctx)
  local x = 0
  for i = 1, 17 do x = x + i end
  return { user_id = ctx:params().id }
end

return api
