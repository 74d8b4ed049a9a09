-- Echoes a POSTed JSON body back, with its length.
local api = rover.server {}

function api.echo.post(ctx)
  local body = ctx:body()
  return api.json:status(201, { received = body, bytes = #body })
end

return api
