-- A JSON list over Rover's 1024-byte compression threshold, asked for with `Accept-Encoding:
-- gzip`, under the Rover-defaults profile: the answer is compressed with gzip (level 1, as Rover),
-- so a request's cost includes zlib's work. The list is built per request, as a handler that reads
-- rows would build it.
local api = rover.server {}

function api.products.get(ctx)
  local items = {}
  for i = 1, 24 do
    items[i] = { id = i, name = "product " .. i, price = i * 3, tags = { "lamp", "desk" } }
  end
  return { items = items, count = #items }
end

return api
