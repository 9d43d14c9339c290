-- wrk script of Antre's booking benchmark (tests/it/bench/support/native.rs).
-- Arguments: DATA THREADS DONE. DATA holds one member a line,
-- "TOKEN SLOT_ID CLAIM_ID"; thread k of THREADS books lines k, k+THREADS, ...
-- each exactly once (a distinct participant, token and claim per request).
-- A thread whose bookings are all answered stops and writes DONE.k; the
-- harness then interrupts wrk, which prints the summary (done()).
-- A connection with nothing left to book waits (delay()) instead of
-- sending more, so wrk's latency figures are those of bookings; only
-- wrk's own check of the script gets a GET /health (answered 200, not
-- counted).

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  marker = args[3] .. "." .. id
  rows = {}
  local k = 0
  for line in io.lines(path) do
    if k % nthreads == id - 1 then
      local token, slot, claim = line:match("(%S+) (%S+) (%S+)")
      rows[#rows + 1] = wrk.format("POST", "/api/v1/bookings", {
        ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/json",
      }, '{"slot_id":' .. slot .. ',"claim_id":' .. claim .. '}')
    end
    k = k + 1
  end
  health = wrk.format("GET", "/health")
  nxt, created, other, finished = 1, 0, 0, false
  -- wrk calls the first thread's request() once before the run to check
  -- the script (script_verify_request): that call must not use a member.
  verifying = id == 1
  if #rows == 0 then
    finish()
  end
end

function finish()
  if not finished then
    finished = true
    local f = io.open(marker, "w")
    f:write("done")
    f:close()
    wrk.thread:stop()
  end
end

function delay()
  if nxt > #rows then
    return 600000
  end
  return 0
end

function request()
  if verifying then
    verifying = false
    return health
  end
  local r = rows[nxt]
  if r == nil then
    return health
  end
  nxt = nxt + 1
  return r
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status ~= 200 then
    other = other + 1
  end
  if created + other >= #rows then
    finish()
  end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"created":%d,"other":%d,"requests":%d,"duration_us":%d,' ..
    '"socket_errors":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    c, o, summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
