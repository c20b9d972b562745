-- wrk script for bench/load.py: every request comes from its own visitor address
-- (X-Forwarded-For, believed from 127.0.0.1 as behind the production reverse proxy) and
-- carries a random sample from a file (one sample a line, tab-separated fields).
--   wrk ... -s bench/load.lua URL -- <kind> <samples file>
-- kinds: page (GET /v/<token>), verify_api (POST /api/v1/certificates/verify),
-- query_api (POST /api/v1/scoring/query), floor (GET /).
-- Prints one line "wrk-result requests=... seconds=... errors=... p99_ms=..." when done.

local kind, samples, threads, counter = "floor", {}, {}, 0
seed = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  threads[#threads + 1] = thread
end

local function split(line)
  local fields = {}
  for field in string.gmatch(line, "[^\t]+") do fields[#fields + 1] = field end
  return fields
end

local function json_string(text)
  return '"' .. text:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

function init(args)
  kind = args[1] or "floor"
  if args[2] then
    for line in io.lines(args[2]) do
      if #line > 0 then samples[#samples + 1] = split(line) end
    end
  end
  math.randomseed(os.time() * 100 + seed)
end

local function visitor()
  return string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
end

function request()
  local headers = { ["X-Forwarded-For"] = visitor() }
  local sample = samples[math.random(1, math.max(#samples, 1))]
  if kind == "page" then
    return wrk.format("GET", "/v/" .. sample[1], headers)
  elseif kind == "floor" then
    return wrk.format("GET", "/", headers)
  end
  headers["Content-Type"] = "application/json"
  if kind == "verify_api" then
    return wrk.format("POST", "/api/v1/certificates/verify", headers,
      '{"token":' .. json_string(sample[1]) .. '}')
  end
  return wrk.format("POST", "/api/v1/scoring/query", headers,
    '{"name":' .. json_string(sample[1]) .. ',"id_number":' .. json_string(sample[2])
      .. ',"ticket_no":' .. json_string(sample[3]) .. '}')
end

bad = 0

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  -- Socket errors, and every answer other than 200 (counted by response() in each thread).
  local errors = e.connect + e.read + e.write + e.timeout
  for _, thread in ipairs(threads) do errors = errors + thread:get("bad") end
  io.write(string.format("wrk-result requests=%d seconds=%.3f errors=%d p99_ms=%.2f p50_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(99) / 1000, latency:percentile(50) / 1000))
end
