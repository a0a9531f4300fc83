-- wrk script of the Inspira benchmark (bench/run.py writes the page's configuration and runs wrk).
--
--   BENCH_PAGE=<page .lua file> BENCH_THREADS=<n> wrk -t<n> -c<c> -d<s> -s bench/wrk.lua http://127.0.0.1:<port>
--
-- The page file returns a table:
--   { paths = {"/a/", "/b/"}, headers = {Cookie = "..."} }          GET, the paths in turn
--   { post = { bookers = {{cookie=, school=}, ...}, occasions = {id, ...}, offset = n, run = n, csrf = "..." } }
--
-- The booking POST books a different (school, occasion) pair with every request: request number i of the
-- whole run (threads interleaved) is booker floor(i / #occasions) on occasion i % #occasions, so requests
-- made at the same time book different occasions (they do not queue for one occasion's lock). Each
-- request has a fresh form key, so no request is answered from an earlier booking.
--
-- Every response's status is counted (a redirect to the login page is a 302 that wrk itself would count
-- as a success); done() prints one line, "BENCHJSON {...}", with the latency percentiles in microseconds.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  conf = dofile(os.getenv("BENCH_PAGE"))
  nthreads = tonumber(os.getenv("BENCH_THREADS"))
  k = 0
  made = 0
  statuses = {}
end

local function booking_request()
  local post = conf.post
  local i = post.offset + (id - 1) + k * nthreads
  local occasion = post.occasions[(i % #post.occasions) + 1]
  local booker = post.bookers[math.floor(i / #post.occasions) + 1] or post.bookers[#post.bookers]
  local body = "school=" .. booker.school
    .. "&participants=1&contact_name=Bench+Booker&contact_email=bokare%40bench.example.se"
    .. "&contact_phone=&participant_names=&message="
    .. "&idempotency_key=" .. string.format("%08x-0000-4000-8000-%012x", post.run, i)
  local headers = {
    ["Cookie"] = booker.cookie .. "; csrftoken=" .. post.csrf,
    ["X-CSRFToken"] = post.csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", "/besok/tillfalle/" .. occasion .. "/boka/", headers, body)
end

function request()
  made = made + 1
  if conf.post then
    local r = booking_request()
    k = k + 1
    return r
  end
  local path = conf.paths[(k % #conf.paths) + 1]
  k = k + 1
  return wrk.format("GET", path, conf.headers, nil)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local codes, total_made = {}, 0
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      codes[code] = (codes[code] or 0) + n
    end
    total_made = total_made + thread:get("made")
  end
  local parts = {}
  for code, n in pairs(codes) do
    table.insert(parts, string.format('"%d":%d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"made":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d},"codes":{%s}}\n',
    summary.requests, summary.duration, summary.bytes, total_made,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), table.concat(parts, ",")))
end
