-- Offers a fixed request rate, for "p99 at half of peak load":
--   wrk -tT -cC -s bench/wrk/half_rate.lua URL -- RATE T
-- Each wrk thread hands out send times on its own schedule, one every T / RATE seconds:
-- a connection that is ready takes the next free slot and wait until it comes (wrk's delay()),
-- so the rate holds however long the responses take, as long as some connection is idle.
-- Slots missed because every connection was busy are not made up later (no bursts).
-- Needs LuaJIT's FFI for a millisecond clock (Debian's wrk has it); without it each
-- connection simply waits C / RATE seconds between requests.
local ok, ffi = pcall(require, "ffi")
local now_ms
if ok then
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } nv_bench_timespec;
    int clock_gettime(int clk_id, nv_bench_timespec *tp);
  ]]
  local ts = ffi.new("nv_bench_timespec")
  now_ms = function()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
end

local slot_ms = 0   -- time between sends of this thread
local next_at = nil -- the next free send time of this thread
local fallback_ms = 0

function init(args)
  local rate = tonumber(args[1])
  local threads = tonumber(args[2] or "1")
  local connections = tonumber(args[3] or "0")
  slot_ms = threads * 1000 / rate
  fallback_ms = connections * 1000 / rate
end

function delay()
  if not now_ms then
    return math.floor(fallback_ms + 0.5)
  end
  local now = now_ms()
  if next_at == nil or next_at < now then
    next_at = now
  end
  local wait = next_at - now
  next_at = next_at + slot_ms
  return math.floor(wait + 0.5)
end
