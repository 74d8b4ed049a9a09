-- Parses a POSTed JSON body with Rover's body value method, ctx:body():json().
local api = rover.server {}

function api.orders.post(ctx)
  local order = ctx:body():json()
  return api.json:status(201, { item = order.item, qty = order.qty, total = order.qty * order.price })
end

return api
