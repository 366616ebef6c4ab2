-- wrk script: the same POST on every request. Needs BODY (the JSON body) and, for Steward's
-- routes, TOKEN in the environment; counts and prints the first answers that are not 200.
local body = os.getenv("BODY")
local token = os.getenv("TOKEN")
local headers = {["Content-Type"] = "application/json"}
if token and token ~= "" then
  headers["Authorization"] = "Bearer " .. token
end
local failed = 0

request = function()
  return wrk.format("POST", nil, headers, body)
end

response = function(status, headers, answer)
  if status ~= 200 then
    failed = failed + 1
    if failed <= 3 then
      print("unexpected status " .. status .. ": " .. answer)
    end
  end
end
