-- wrk's request script for scripts/bench-serve.sh: each request POSTs the next body of
-- the file given after "--" (one JSON /translate body per line), over wrk's kept-alive
-- connections; done() prints one JSON line of the figures bench-serve.sh tabulates.
local bodies, next_body = {}, 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  if #bodies == 0 then error("no request bodies in " .. args[1]) end
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/translate", headers, bodies[next_body])
end

function done(summary, latency, requests)
  local e = summary.errors
  local failed = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "failed": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "mean_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, failed,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.mean / 1e3))
end
