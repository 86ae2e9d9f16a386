-- Cycles through the request paths listed in the file named by WRK_PATHS (one per line), each
-- thread from its own offset, and prints a one-line JSON summary the bench parses.
local paths = {}
local index = 0

function init(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do
    paths[#paths + 1] = line
  end
  index = math.random(0, #paths - 1)
  local key = os.getenv("WRK_API_KEY")
  if key ~= nil and key ~= "" then
    wrk.headers["x-api-key"] = key
  end
end

function request()
  index = index + 1
  if index > #paths then index = 1 end
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
