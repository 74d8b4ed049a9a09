-- Reads the decoded query string.
local api = rover.server {}

function api.search.get(ctx)
  local q = ctx:query()
  return { q = q.q, limit = tonumber(q.limit), page = tonumber(q.page) or 1 }
end

return api
