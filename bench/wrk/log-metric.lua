-- wrk script: POST /api/2.0/mlflow/runs/log-metric with a new step per request.
-- Needs RUN_ID and TOKEN in the environment.
local run_id = os.getenv("RUN_ID")
local token = os.getenv("TOKEN")
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  step = 0
end

request = function()
  step = step + 1
  local body = string.format('{"run_id":"%s","key":"m%d","value":%f,"timestamp":%d,"step":%d}',
    run_id, id, step * 0.001, 1700000000000 + step, step)
  return wrk.format("POST", "/api/2.0/mlflow/runs/log-metric",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    print("unexpected status " .. status .. ": " .. body)
  end
end
