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
  error = function(status, message) return response(check_status(status), "error", message) end,
  no_content = function() return response(204, "empty") end,
}

local NODE = {}
NODE.__index = function(node, key)
  local child = setmetatable({}, NODE)
  rawset(node, key, child)
  return child
end

local last_server
function rover.server(config)
  local api = setmetatable({}, NODE)
  for name, value in next, BUILDERS do rawset(api, name, value) end
  last_server = api
  return api
end

local METHODS = { get = true, post = true, put = true, patch = true, delete = true, head = true, options = true }

function rover.__routes(api)
  if api == nil then api = last_server end
  if type(api) ~= "table" then return nil end
  local out, seen = {}, {}
  local function walk(node, prefix, root)
    if seen[node] then return end
    seen[node] = true
    for key, value in next, node do
      if type(key) == "string" and not (root and BUILDERS[key] == value) then
        if type(value) == "function" and METHODS[key] then
          out[#out + 1] = { path = prefix, method = key, fn = value }
        elseif type(value) == "table" then
          walk(value, prefix .. "/" .. key, false)
        end
      end
    end
  end
  walk(api, "", true)
  return out
end

_G.rover = rover
"""#
}
