/// The Lua side of Rover's app model, loaded into every VM before the app.
///
/// - `rover.server(config)` returns the app's route table. Reading a missing key creates a child
///   node, so `function api.users.p_id.get(ctx)` declares `GET /users/:id`.
/// - The response builders (`api.json`, `api.text`, `api.html`, `api.redirect`, `api.error`,
///   `api.no_content`) are plain fields of the root table; they return response objects carrying
///   a private metatable that the engine recognises.
/// - `rover.__routes(api)` flattens the table into `{path, method, fn}` records once, at load
///   (`routes`, in RoverPrelude+Routes.swift: middleware is resolved there).
/// - Reading a `rover.*` feature rover-bench lacks raises, as a second net behind AppScanner;
///   `rover.server{}` keys are honoured, accepted as harmless, or refused.
enum RoverPrelude {
    static let chunkName = "=rover"
    static let source = #"""
local rover = {}
local RESPONSE = {}
rover.__response_mt = RESPONSE

local function response(status, kind, body, location)
  return setmetatable({ status = status, kind = kind, body = body, location = location }, RESPONSE)
end

-- LuaJIT (the Lua 5.1 language) has no math.type: its numbers are doubles; integral ones count.
local math_type = math.type or function(v)
  if type(v) ~= "number" then return nil end
  return v == math.floor(v) and "integer" or "float"
end

local function check_status(status)
  if math_type(status) ~= "integer" or status < 100 or status > 599 then
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
  rawset(api, "config", config or {})  -- as Rover: api.config is the server's config table
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

"""# + routes + #"""
_G.rover = rover
"""#
}
