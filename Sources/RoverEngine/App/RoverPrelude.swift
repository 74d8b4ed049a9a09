/// The Lua side of Rover's app model, loaded into every VM before the app.
///
/// - `rover.server(config)` returns the app's route table. Reading a missing key creates a child
///   node, so `function api.users.p_id.get(ctx)` declares `GET /users/:id`.
/// - The response builders (`api.json`, `api.text`, `api.html`, `api.redirect`, `api.error`,
///   `api.no_content`) are plain fields of the root table; they return response objects carrying
///   a private metatable that the engine recognises.
/// - `rover.__routes(api)` flattens the table into `{path, method, fn}` records once, at load.
enum RoverPrelude {
    static let chunkName = "=rover"
    static let source = #"""
local rover = {}
local RESPONSE = {}
rover.__response_mt = RESPONSE

local function response(status, kind, body, location)
  return setmetatable({ status = status, kind = kind, body = body, location = location }, RESPONSE)
end

local function check_status(status)
  if math.type(status) ~= "integer" or status < 100 or status > 599 then
    error("invalid HTTP status: " .. tostring(status), 3)
  end
  return status
end

local function builder(kind)
  return setmetatable({
    status = function(_, status, body) return response(check_status(status), kind, body) end,
  }, { __call = function(_, body) return response(200, kind, body) end })
end

local BUILDERS = {
  json = builder("json"),
  text = builder("text"),
  html = builder("html"),
  redirect = setmetatable({
    permanent = function(_, url) return response(301, "redirect", nil, url) end,
    status = function(_, status, url) return response(check_status(status), "redirect", nil, url) end,
  }, { __call = function(_, url) return response(302, "redirect", nil, url) end }),
  -- api:error(status, msg) (Rover's documented form) and api.error(status, msg)
  error = function(a, b, c)
    if type(a) == "table" then a, b = b, c end
    return response(check_status(a), "error", b)
  end,
  no_content = function() return response(204, "empty") end,
}
local BUILDER_KEYS = { json = { status = true }, text = { status = true }, html = { status = true },
                       redirect = { status = true, permanent = true } }

-- Route nodes. `before` and `after` children are hook nodes that remember declaration order.
local NODE, HOOKS = {}, {}
local node_path = setmetatable({}, { __mode = "k" })
local hook_order = setmetatable({}, { __mode = "k" })
NODE.__index = function(node, key)
  local child
  if key == "before" or key == "after" then
    child = setmetatable({}, HOOKS)
    hook_order[child] = {}
  else
    child = setmetatable({}, NODE)
  end
  node_path[child] = (node_path[node] or "api") .. "." .. tostring(key)
  rawset(node, key, child)
  return child
end
NODE.__call = function(node)
  local path = node_path[node] or "api"
  if path:match("%.static$") then
    error("static mounts (" .. path .. " {...}) are not supported by rover-bench", 2)
  end
  error(path .. "(...) is not supported by rover-bench (not a Rover feature it implements)", 2)
end
HOOKS.__newindex = function(node, name, fn)
  if type(fn) ~= "function" then
    error((node_path[node] or "api") .. "." .. tostring(name) .. " must be a function (middleware)", 2)
  end
  rawset(node, name, fn)
  local order = hook_order[node]
  order[#order + 1] = name
end

-- rover.server{...} keys: honoured, harmless (they do not change the work per request), or refused.
local CONFIG_HONOURED = { body_size_limit = true }
local CONFIG_HARMLESS = { host = true, port = true, log_level = true, docs = true,
                          allow_public_bind = true, drain_timeout_secs = true,
                          strict_mode = true, allow_unbounded_body = true }  -- start-up checks only
rover.__config = {}

local last_server
function rover.server(config)
  if config ~= nil and type(config) ~= "table" then error("rover.server expects a table", 2) end
  local keys = {}
  for key in next, config or {} do keys[#keys + 1] = tostring(key) end
  table.sort(keys)
  for _, key in ipairs(keys) do
    if CONFIG_HONOURED[key] then
      rover.__config[key] = config[key]
    elseif not CONFIG_HARMLESS[key] then
      error("rover.server{ " .. key .. " = ... } is not supported by rover-bench (it would change the work per request)", 2)
    end
  end
  local limit = rover.__config.body_size_limit  -- as Rover: a positive number of bytes, 0 to disable
  if limit ~= nil then
    if type(limit) ~= "number" then
      error("rover.server{ body_size_limit = ... } should be a positive number, or 0 to disable", 2)
    end
    rover.__config.body_size_limit = limit > 0 and math.floor(limit) or nil
  end
  local api = setmetatable({}, NODE)
  for name, value in next, BUILDERS do rawset(api, name, value) end
  last_server = api
  return api
end

-- Features of Rover that rover-bench does not implement: reading them stops the app at load.
rover.guard = setmetatable({}, { __index = function(_, key)
  if key == "__body_value" then return nil end
  error("rover.guard." .. tostring(key) .. " is not supported by rover-bench", 2)
end })
setmetatable(rover, { __index = function(_, key)
  error("rover." .. tostring(key) .. " is not supported by rover-bench", 2)
end })

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
  if api == nil then api = last_server end
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
      if type(key) == "string" and key ~= "before" and key ~= "after" and not (root and BUILDERS[key] == value) then
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

_G.rover = rover
"""#
}
