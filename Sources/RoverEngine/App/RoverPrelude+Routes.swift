/// The part of the Rover prelude that reads an app's route table at load: routes, and the
/// middleware (`before` / `after` hooks) that applies to each. Spliced into `RoverPrelude.source`
/// (one chunk: it uses the locals defined there — RESPONSE, BUILDERS, HOOKS, hook_order …).
///
/// A route with hooks gets one wrapper closure, made here once; a route without hooks is its
/// handler itself, so an app without middleware pays nothing per request.
extension RoverPrelude {
    static let routes = #"""
local METHODS = { get = true, post = true, put = true, patch = true, delete = true, head = true, options = true }

local function where(fn)
  local info = debug.getinfo(fn, "S")
  return info.short_src .. ":" .. info.linedefined
end

local function hooks_of(node, key, path)
  local h = rawget(node, key)
  if h == nil then return {} end
  if type(h) == "function" then return { h } end
  if type(h) ~= "table" then return nil, path .. "." .. key .. " must be a function or a table of functions" end
  local names = hook_order[h]
  if names == nil then  -- a table the app assigned itself: a stable order
    names = {}
    for name in next, h do names[#names + 1] = name end
    table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
  end
  local list = {}
  for _, name in ipairs(names) do
    local fn = rawget(h, name)
    if type(fn) ~= "function" then return nil, path .. "." .. key .. "." .. tostring(name) .. " must be a function" end
    list[#list + 1] = fn
  end
  return list
end

local function concat(a, b)
  local out = {}
  for i = 1, #a do out[#out + 1] = a[i] end
  for i = 1, #b do out[#out + 1] = b[i] end
  return out
end

-- before hooks in order; the handler; after hooks in reverse order of (route's, then inherited),
-- as Rover's merge_middleware_chains and create_middleware_wrapper do. A before hook that returns
-- a response ends the request; after hooks' results are ignored.
local function chain(before, handler, after)
  local nb, na = #before, #after
  return function(ctx)
    for i = 1, nb do
      local r = before[i](ctx)
      if rawequal(getmetatable(r), RESPONSE) then return r end
    end
    local result = handler(ctx)
    for i = na, 1, -1 do after[i](ctx) end
    return result
  end
end

-- Flattens the app into {path, method, fn} records (fn wrapped when hooks apply), or returns
-- nil and a message naming what is not supported and where.
function rover.__routes(api)
  if type(api) ~= "table" then api = last_server end
  if type(api) ~= "table" then return nil end
  for name, keys in next, BUILDER_KEYS do
    for key, value in next, BUILDERS[name] do
      if not keys[key] then
        local at = type(value) == "function" and (where(value) .. ": ") or ""
        return nil, at .. "api." .. name .. "." .. tostring(key) .. ": `" .. name .. "` is a response builder, not a path segment (Rover skips it too)"
      end
    end
  end
  local out, seen = {}, {}
  local function walk(node, prefix, root, before, after, path)
    if seen[node] then return end
    seen[node] = true
    local b, err = hooks_of(node, "before", path)
    if not b then return err end
    local a, err2 = hooks_of(node, "after", path)
    if not a then return err2 end
    before, after = concat(before, b), concat(a, after)
    for key, value in next, node do
      if root and key == "config" and type(value) == "table" then
        for k, v in next, value do  -- Rover skips routes under api.config: refuse, never ignore
          if type(v) == "function" or (type(v) == "table" and getmetatable(v) == NODE) then
            local at = type(v) == "function" and (where(v) .. ": ") or ""
            return at .. "api.config." .. tostring(k) .. ": `config` is the server's config table in Rover, not a path segment"
          end
        end
      elseif type(key) == "string" and key ~= "before" and key ~= "after" and not (root and BUILDERS[key] == value) then
        if type(value) == "function" and METHODS[key] then
          local fn = value
          if #before + #after > 0 then fn = chain(before, value, after) end
          out[#out + 1] = { path = prefix, method = key, fn = fn }
        elseif type(value) == "function" then
          if key == "ws" then
            return where(value) .. ": WebSocket routes (" .. path .. ".ws) are not supported by rover-bench"
          end
          return where(value) .. ": " .. path .. "." .. key .. " is a function, but `" .. key .. "` is not an HTTP method (get post put patch delete head options); rover-bench refuses rather than ignores it"
        elseif type(value) == "table" then
          local e = walk(value, prefix .. "/" .. key, false, before, after, path .. "." .. key)
          if e then return e end
        end
      end
    end
  end
  local err = walk(api, "", true, {}, {}, "api")
  if err then return nil, err end
  return out
end

"""#
}
