-- Rotates through a list of request paths, one request after another:
--   wrk -tT -cC -s bench/wrk/queries.lua URL -- FILE
-- FILE has one path a line (e.g. /search?q=magnesum); anything after a tab on the line is
-- ignored (bench/search.py writes what the query should find there). Each wrk thread starts at
-- its own place in the list, so the threads do not ask for the same query at the same moment.
-- Headers given with -H (x-nv-bypass-cache: 1) go with every request.
local threads = 0
local paths = {}
local next_index = 1

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  local file = args[1] or error("queries.lua: give the file of paths after --")
  for line in io.lines(file) do
    local path = line:match("^([^\t]+)")
    if path and path ~= "" then
      paths[#paths + 1] = path
    end
  end
  if #paths == 0 then
    error("queries.lua: no paths in " .. file)
  end
  -- thread_number is set by setup() in the main state before this thread runs init().
  local spread = math.floor(#paths / 4)
  next_index = (((thread_number or 1) - 1) * spread) % #paths + 1
end

function request()
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end
