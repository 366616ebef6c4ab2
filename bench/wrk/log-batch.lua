-- wrk script: POST /api/2.0/mlflow/runs/log-batch with 1000 metrics per request (10 keys x 100 steps).
-- Needs RUN_ID and TOKEN in the environment.
local run_id = os.getenv("RUN_ID")
local token = os.getenv("TOKEN")
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  batch = 0
end

request = function()
  batch = batch + 1
  local parts = {}
  for k = 0, 999 do
    parts[#parts + 1] = string.format('{"key":"t%d_m%d","value":%f,"timestamp":%d,"step":%d}',
      id, k % 10, k * 0.5, 1700000000000 + batch, batch * 100 + math.floor(k / 10))
  end
  local body = '{"run_id":"' .. run_id .. '","metrics":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/api/2.0/mlflow/runs/log-batch",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    print("unexpected status " .. status .. ": " .. body)
  end
end
