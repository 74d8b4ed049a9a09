-- The commonest real Rover shape: a route-scoped before-hook checks a header (as Rover's docs
-- write it, `ctx:headers()["Authorization"]`), then the handler reads the path parameter.
local api = rover.server {}

function api.users.before.auth(ctx)
  if not ctx:headers()["Authorization"] then
    return api:error(401, "Unauthorized")
  end
end

function api.users.p_id.get(ctx)
  return { user_id = ctx:params().id }
end

return api
