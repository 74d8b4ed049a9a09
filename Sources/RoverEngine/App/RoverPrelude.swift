/// The Lua side of Rover's app model, loaded into every VM before the app.
///
/// - `rover.server(config)` returns the app's route table. Reading a missing key creates a child
///   node, so `function api.users.p_id.get(ctx)` declares `GET /users/:id`.
/// - The response builders (`api.json`, `api.text`, `api.html`, `api.redirect`, `api.error`,
///   `api.no_content`) are plain fields of the root table; they return response objects carrying
///   a private metatable that the engine recognises.
/// - `rover.__routes(api)` flattens the table into `{path, method, fn}` records once, at load
///   (`routes`, in RoverPrelude+Routes.swift: middleware is resolved there).
/// - `rover.guard`: Rover's validator builders (`rover.guard:string():required()` …) and
///   `rover.guard(data, schema)`; the validation itself is C (rover_guard.h), as is
///   `ctx:body():expect(schema)` (rover_body.h).
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

-- Validation (rover_guard.h): the C functions rover_install_guard left in a global for us.
local guard_c = __rover_guard
_G.__rover_guard = nil

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

-- The errors of a validation error, or of its text (Rover's ValidationErrors display, which
-- Rover's api:error parses back line by line), else nil.
local function validation_errors(m)
  local errors = guard_c.errors_of(m)
  if errors or type(m) ~= "string" then return errors end
  local text = m
  while text:sub(1, 15) == "runtime error: " do text = text:sub(16) end
  local cut = text:find("\nstack traceback:", 1, true)
  if cut then text = text:sub(1, cut - 1) end
  if not text:find("Validation failed for request body:", 1, true) then return nil end
  local lines = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = (line:gsub("\r$", "")) end
  errors = {}
  local i = 1
  while i <= #lines do
    local line = lines[i]
    local s = line:find("Field '", 1, true)
    local e = s and line:find("'", s + 7, true)
    if e then
      local message, kind = "", ""
      local l2, l3 = lines[i + 1] and trim(lines[i + 1]), lines[i + 2] and trim(lines[i + 2])
      if l2 and l2:sub(1, 6) == "Error:" then message = trim(l2:sub(7)) end
      if l3 and l3:sub(1, 5) == "Type:" then kind = trim(l3:sub(6)) end
      errors[#errors + 1] = { field = line:sub(s + 7, e - 1), message = message, type = kind }
      i = i + 3
    else
      i = i + 1
    end
  end
  if #errors > 0 then return errors end
  return nil
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
  -- api:error(status, msg) (Rover's documented form) and api.error(status, msg). As Rover's
  -- error_fn: validation errors (the error a failed :expect / rover.guard raised, or its text,
  -- e.g. from pcall or an xpcall handler's tostring) answer {"errors": [...]} with the status.
  error = function(a, b, c)
    if type(a) == "table" then a, b = b, c end
    local status = check_status(a)
    local errors = validation_errors(b)
    if errors then return response(status, "json", { errors = errors }) end
    return response(status, "error", b)
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

-- rover.guard: Rover's validator builders (rover-core/src/guard.lua, the same shapes and fields)
-- over the C validator (rover_guard.h), which reads them as Rover's Rust does: `type`,
-- `element`, `schema` and `required` through metatables (so the `:required` method makes every
-- builder-made field required), `required_msg`, `default`, `enum` raw (builders store `_default`
-- …, which Rover never reads). rover.guard(data, schema) validates (rover-core/src/surface.rs).
local ValidatorMethods = {
  required = function(self, msg)
    self._required = true
    self._nullable = false
    self._required_msg = msg
    return self
  end,
  default = function(self, value) self._default = value return self end,
  enum = function(self, values) self._enum = values return self end,
  primary = function(self) self._primary = true self._nullable = false return self end,
  auto = function(self) self._auto = true return self end,
  unique = function(self) self._unique = true return self end,
  nullable = function(self) self._nullable = true self._required = false return self end,
  references = function(self, table_col) self._references_table = table_col return self end,
  index = function(self) self._index_flag = true return self end,
}
local ValidatorMT = { __index = ValidatorMethods }

local function create_validator(validator_type)
  local v = {
    type = validator_type, _required = false, _required_msg = nil, _default = nil, _enum = nil,
    _element = nil, _schema = nil, _primary = false, _auto = false, _unique = false,
    _nullable = true, _references_table = nil, _index_flag = false,
  }
  return setmetatable(v, ValidatorMT)
end

local Guard = {}
function Guard:string() return create_validator "string" end
function Guard:number() return create_validator "number" end
function Guard:integer() return create_validator "integer" end
function Guard:boolean() return create_validator "boolean" end
function Guard:array(element_validator)
  local v = create_validator "array"
  v.element = element_validator
  return v
end
function Guard:object(schema)
  local v = create_validator "object"
  v.schema = schema
  return v
end

-- A Guard whose validators also have `methods` (Rover's Guard:extend).
function Guard:extend(methods)
  local ExtendedGuard = setmetatable({}, { __index = self })
  local ExtendedValidatorMethods = setmetatable({}, { __index = ValidatorMethods })
  if type(methods) == "table" then
    for name, fn in pairs(methods) do
      if type(name) == "string" and type(fn) == "function" then ExtendedValidatorMethods[name] = fn end
    end
  end
  local function create_extended_validator(validator_type)
    local v = { type = validator_type, _required = false, _required_msg = nil, _default = nil,
                _enum = nil, _element = nil, _schema = nil }
    return setmetatable(v, { __index = ExtendedValidatorMethods })
  end
  function ExtendedGuard:string() return create_extended_validator "string" end
  function ExtendedGuard:number() return create_extended_validator "number" end
  function ExtendedGuard:integer() return create_extended_validator "integer" end
  function ExtendedGuard:boolean() return create_extended_validator "boolean" end
  function ExtendedGuard:array(element_validator)
    local v = create_extended_validator "array"
    v.element = element_validator
    return v
  end
  function ExtendedGuard:object(schema)
    local v = create_extended_validator "object"
    v.schema = schema
    return v
  end
  ExtendedGuard.validate = self.validate
  return ExtendedGuard
end

-- Runs fn; an error is re-raised as its text without "runtime error: " or a traceback.
function Guard.validate(fn)
  local success, result = xpcall(fn, function(err)
    local err_str = tostring(err):gsub("^runtime error: ", "")
    local stack_pos = err_str:find "\nstack traceback:"
    if stack_pos then err_str = err_str:sub(1, stack_pos - 1) end
    return err_str
  end)
  if not success then error(result, 0) end
  return result
end

-- Any other rover.guard key stops the app (AppScanner refuses it at load first); `__body_value`
-- is the seed's hook, nil unless the app sets it.
rover.guard = setmetatable(Guard, {
  __call = guard_c.call,
  __index = function(_, key)
    if key == "__body_value" then return nil end
    error("rover.guard." .. tostring(key) .. " is not supported by rover-bench", 2)
  end,
})

-- Features of Rover that rover-bench does not implement: reading them stops the app at load.
setmetatable(rover, { __index = function(_, key)
  error("rover." .. tostring(key) .. " is not supported by rover-bench", 2)
end })

"""# + routes + #"""
_G.rover = rover
"""#
}
