local api = rover.server {}
function api.users.p_id.get(ctx)
  return { user_id = ctx:params().id }
end
return api
