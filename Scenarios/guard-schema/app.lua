-- Validates a parsed JSON body with rover.guard(data, schema) against a schema built once at
-- load: plain validator configs (type, required, default, enum), which Rover's validator reads
-- field by field, beside rover.guard builders for an array of objects.
local api = rover.server {}
local g = rover.guard

local order_schema = {
  item = { type = "string", required = true },
  qty = { type = "integer", required = true, required_msg = "qty is required" },
  size = { type = "string", enum = { "S", "M", "L" }, default = "M" },
  gift = { type = "boolean", default = false },
  note = { type = "string" },
  lines = g:array(g:object { sku = g:string(), n = g:integer() }),
}

function api.orders.post(ctx)
  local order = rover.guard(ctx:body():json(), order_schema)
  return api.json:status(201, order)
end

return api
