-- The soak's mixed traffic for wrk: recordings lists, recordings pages, creates, deletes and the
-- home page, over many meetings. Counts answers by status and by error kind; every 5xx must name
-- a vendor failure (anything else is unexpected).
local app = os.getenv("SOAK_APP")
local cookie = os.getenv("SOAK_COOKIE")
local meetings = tonumber(os.getenv("SOAK_MEETINGS"))
local n = 0
statuses = {}
kinds = {}
unexpected = 0
samples = ""

local function meeting(i)
  return "50a4" .. string.format("%020d", i)
end

local function headers(extra)
  local h = { ["Cookie"] = cookie, ["Accept"] = "application/json" }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

local form = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Origin"] = app }

request = function()
  n = n + 1
  local r = math.random(100)
  local id = meeting(math.random(meetings))
  if r <= 30 then
    return wrk.format("GET", "/api/recordings/list?meeting_id=" .. id, headers())
  elseif r <= 50 then
    return wrk.format("GET", "/meetings/" .. id .. "/recordings", headers({ ["Accept"] = "text/html" }))
  elseif r <= 70 then
    local body = "form[host_id]=32242&form[name]=Soak+" .. n .. "&form[start]=2026-07-15T10:00"
      .. "&form[end]=2026-07-15T11:00&form[timezone]=Europe%2FRiga&form[notify_metric]=hours&form[notify_value]=1"
    return wrk.format("POST", "/api/meetings/create", headers(form), body)
  elseif r <= 90 then
    local body = "meeting_id=" .. id .. "&expected_count=3&reason=soak"
    return wrk.format("POST", "/api/recordings/delete", headers(form), body)
  else
    return wrk.format("GET", "/", headers({ ["Accept"] = "text/html" }))
  end
end

response = function(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  local kind = body and string.match(body, '"kind":"([a-z_]+)"')
  if kind then kinds[kind] = (kinds[kind] or 0) + 1 end
  if status >= 500 then
    local vendor = (kind and (string.find(kind, "^upstream_") or kind == "outcome_unknown"))
      or (body and string.find(body, "ConnectyCube", 1, true))
    if not vendor then
      unexpected = unexpected + 1
      if #samples < 2000 then samples = samples .. status .. " " .. string.sub(body or "", 1, 200) .. "\n" end
    end
  end
end

local threads = {}
setup = function(thread) table.insert(threads, thread) end

done = function(summary, latency, requests)
  local all_status, all_kinds, total_unexpected, all_samples = {}, {}, 0, ""
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do all_status[k] = (all_status[k] or 0) + v end
    for k, v in pairs(t:get("kinds")) do all_kinds[k] = (all_kinds[k] or 0) + v end
    total_unexpected = total_unexpected + t:get("unexpected")
    all_samples = all_samples .. t:get("samples")
  end
  local function obj(t)
    local parts = {}
    for k, v in pairs(t) do table.insert(parts, string.format('"%s":%d', k, v)) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  io.write(string.format('SOAK {"requests":%d,"duration_us":%d,"socket_errors":%d,"timeouts":%d,"p50_us":%d,"p99_us":%d,"statuses":%s,"kinds":%s,"unexpected_5xx":%d}\nSAMPLES\n%s',
    summary.requests, summary.duration, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, latency:percentile(50), latency:percentile(99), obj(all_status), obj(all_kinds),
    total_unexpected, all_samples))
end
