-- Rover's own benchmark app (tests/perf/main.lua at 6e77dd3), written out here: GET /echo answers
-- a two-field JSON object with ctx.method, POST /echo echoes the body. Rover's wrk script
-- (tests/perf/benchmark.lua) sends `GET /echo` with `Content-Type: application/json`.
local api = rover.server {
  port = 3000,
  log_level = "nope",
}

function api.echo.get(ctx)
  return api.json { message = "Echo GET", method = ctx.method }
end

function api.echo.post(ctx)
  return api.json { message = "Echo POST", received_body = ctx:body() or "no body" }
end

return api
