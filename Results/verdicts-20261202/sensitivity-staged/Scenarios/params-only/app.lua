-- The seed's benchmark handler: GET /users/:id, touching only ctx:params().
local api = rover.server {}

function api.users.p_id.get(ctx)
  return { user_id = ctx:params().id }
end

return api
