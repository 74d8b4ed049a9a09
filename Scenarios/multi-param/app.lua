-- Two path parameters, and a static sibling that must win over the parameter.
local api = rover.server {}

function api.users.p_uid.posts.p_pid.get(ctx)
  local p = ctx:params()
  return { user_id = p.uid, post_id = p.pid }
end

function api.users.me.posts.p_pid.get(ctx)
  return { user_id = "me", post_id = ctx:params().pid }
end

return api
