-- New-address newsletter signups through the real endpoint, one new address per request:
--   wrk -s bench/wrk/signup.lua http://127.0.0.1:PORT -- RUN_ID
-- Addresses are bench-RUN_ID-tTHREAD-COUNTER@example.com. Every response that is not 2xx is
-- counted; done() prints "Signup non-2xx: N" (and the statuses seen) for bench/run to read.
local threads = {}
local counter = 0
local errors = 0
local statuses = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  run_id = args[1] or "run"
end

function request()
  counter = counter + 1
  local body = string.format(
    "email=bench-%s-t%d-%d%%40example.com&form=newsletter-page&company=&return_to=%%2F",
    run_id, id, counter)
  return wrk.format("POST", "/api/newsletter/subscribe", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    errors = errors + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  local seen = {}
  for _, thread in ipairs(threads) do
    total = total + (thread:get("errors") or 0)
    local s = thread:get("statuses")
    if s then
      for status, n in pairs(s) do
        seen[#seen + 1] = string.format("%s=%d", tostring(status), n)
      end
    end
  end
  io.write(string.format("Signup non-2xx: %d\n", total))
  io.write(string.format("Signup statuses: %s\n", table.concat(seen, ",")))
end
