-- wrk script: POSTs the bodies of a file in turn, one per line (BODIES: the file's path), so that
-- the traffic varies as real traffic does; TOKEN as in post.lua. Counts and prints the first
-- answers that are not 200.
local token = os.getenv("TOKEN")
local headers = {["Content-Type"] = "application/json"}
if token and token ~= "" then
  headers["Authorization"] = "Bearer " .. token
end
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do
  if line ~= "" then
    bodies[#bodies + 1] = line
  end
end
local next = 0
local failed = 0

setup = function(thread)
  thread:set("offset", math.random(1, #bodies))
end

request = function()
  next = next + 1
  return wrk.format("POST", nil, headers, bodies[(next + (offset or 0)) % #bodies + 1])
end

response = function(status, headers, answer)
  if status ~= 200 then
    failed = failed + 1
    if failed <= 3 then
      print("unexpected status " .. status .. ": " .. answer)
    end
  end
end
