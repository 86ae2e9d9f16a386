-- Cycles through the request paths listed in the file named by WRK_PATHS (one per line), from line
-- WRK_START + 1 on (0 when unset), and prints a one-line JSON summary the bench parses. With one
-- thread (-t1, as the bench runs it) the lines are sent in file order, so the summary's `start` and
-- `sent` say exactly which lines went out: the bench continues the next run from there, and counts
-- which requests' keys were asked before (bench/first-requests.ts). LuaJIT's unseeded math.random
-- would start every run at the same line, replaying the previous run's requests.
local paths = {}
local index = 0
local threads = {}
-- Globals, not locals: done() reads them from each thread with thread:get.
start = 0
sent = 0

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do
    paths[#paths + 1] = line
  end
  start = (tonumber(os.getenv("WRK_START") or "0") or 0) % #paths
  index = start
  local key = os.getenv("WRK_API_KEY")
  if key ~= nil and key ~= "" then
    wrk.headers["x-api-key"] = key
  end
end

function request()
  index = index + 1
  if index > #paths then index = 1 end
  sent = sent + 1
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  local first, total = 0, 0
  for _, thread in ipairs(threads) do
    first = thread:get("start")
    total = total + thread:get("sent")
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,"start":%d,"sent":%d,"threads":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, first, total, #threads))
end
