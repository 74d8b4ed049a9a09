-- Validates a POSTed JSON body with Rover's ctx:body():expect{...} and rover.guard's builders,
-- as Rover's validation examples do: the schema is built per request, the body parsed, every
-- field checked (types, a nested object, an array) and the validated table answered.
-- (Rover's validator makes every builder-made field required: README, "Validation".)
local api = rover.server {}
local g = rover.guard

function api.users.post(ctx)
  local user = ctx:body():expect {
    name = g:string():required "Missing name param",
    email = g:string():required "Email is required",
    age = g:integer(),
    score = g:number(),
    admin = g:boolean(),
    role = g:string():enum { "admin", "user", "guest" },
    tags = g:array(g:string()),
    address = g:object {
      city = g:string():required(),
      zip = g:string(),
    },
  }
  return api.json:status(201, user)
end

return api
