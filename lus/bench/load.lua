-- wrk script for `make bench` (lus/bench/runner.py). Usage:
--   wrk -t N -c N -d 10s -s load.lua http://127.0.0.1:PORT -- targets.tsv N revisions.tsv
-- targets.tsv: METHOD<TAB>PATH<TAB>SESSION<TAB>CSRF<TAB>REVISION<TAB>BODY per line. Each thread
-- (one connection per thread) uses its own share of the lines, so a POST target is only ever
-- written by one connection; "{rev}" in a body is the last revision the server answered for
-- that target (optimistic concurrency of autosave and plan co-editing); the last revisions are
-- kept in revisions.tsv between runs. Any status other than
-- 200 is counted as an error ("bad"), redirects to the login page included -- except a 409 on
-- the first POST of a target in a run ("stale"): the previous run was stopped with that
-- request's predecessor in flight, so its revision was never read (a bench artefact).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function read_revs(file)
  local out = {}
  local f = file and io.open(file, "r")
  if f then
    for line in f:lines() do
      local k, r = line:match("^([^\t]*)\t(%d+)$")
      if k then out[k] = r end
    end
    f:close()
  end
  return out
end

local mine = {}
revs = {}
revfile = nil
local pos = 0
local cur = nil
bad = 0
stale = 0
local used = {}
local host = ""

function init(args)
  local path, nthreads = args[1], tonumber(args[2]) or 1
  revfile = args[3]
  local seen = read_revs(revfile)
  local all = {}
  for line in io.lines(path) do
    local m, p, s, c, r, b = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    if m then
      local key = p .. "|" .. s
      table.insert(all, {method = m, path = p, session = s, csrf = c, rev = seen[key] or r,
                         body = b, key = key})
    end
  end
  for i, t in ipairs(all) do
    if (i - 1) % nthreads == tid then table.insert(mine, t) end
  end
  if #mine == 0 then mine = all end
  host = wrk.host .. ":" .. wrk.port
end

function request()
  pos = pos % #mine + 1
  cur = pos
  local t = mine[pos]
  local headers = {
    ["Cookie"] = "sessionid=" .. t.session .. "; csrftoken=" .. t.csrf,
    ["X-Forwarded-Proto"] = "https",
    ["Referer"] = "https://" .. host .. "/",
  }
  local body = nil
  if t.method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["X-CSRFToken"] = t.csrf
    headers["X-LUS-Autosave"] = "1"
    body = t.body:gsub("{rev}", revs[t.key] or t.rev)
  end
  return wrk.format(t.method, t.path, headers, body)
end

function response(status, headers, body)
  local t = cur and mine[cur]
  if status == 409 and t and t.method == "POST" and not used[t.key] then
    stale = stale + 1
  elseif status ~= 200 then
    bad = bad + 1
  end
  if t then used[t.key] = true end
  if cur and mine[cur].method == "POST" and body then
    local r = body:match('"revision":%s*(%d+)')
    if r then revs[mine[cur].key] = r end
  end
end

function done(summary, latency, requests)
  local b, st = 0, 0
  local merged, file = {}, nil
  for _, t in ipairs(threads) do
    b = b + (t:get("bad") or 0)
    st = st + (t:get("stale") or 0)
    file = file or t:get("revfile")
    for k, r in pairs(t:get("revs") or {}) do merged[k] = r end
  end
  if file and next(merged) then
    local old = read_revs(file)
    for k, r in pairs(merged) do old[k] = r end
    local f = io.open(file, "w")
    for k, r in pairs(old) do f:write(k .. "\t" .. r .. "\n") end
    f:close()
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "bad": %d, "stale": %d, "connect": %d, ' ..
    '"read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"mean": %.1f, "max": %d}\n',
    summary.requests, summary.duration, b, st, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean,
    latency.max))
end
