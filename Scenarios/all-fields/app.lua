-- Touches all four accessors once: where eager closures are all used.
local api = rover.server {}

function api.users.p_id.orders.post(ctx)
  local params, query, headers, body = ctx:params(), ctx:query(), ctx:headers(), ctx:body()
  return {
    user = params.id,
    expand = query.expand,
    agent = headers["user-agent"],
    bytes = #body,
    method = ctx.method,
    path = ctx.path,
  }
end

return api
