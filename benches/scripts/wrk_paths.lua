-- Rotates through request paths read from $PATHS (lines "search PATH" or
-- "holdings PATH"), keeping those of kind $KIND; counts non-2xx answers.
local paths = {}
local kind = os.getenv("KIND")
for line in io.lines(os.getenv("PATHS")) do
  local k, p = line:match("^(%S+) (.+)$")
  if k == kind then table.insert(paths, p) end
end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
local bad = 0
response = function(status)
  if status >= 300 then bad = bad + 1 end
end
done = function(summary)
  io.write(string.format("non-2xx answers: %d (socket errors: connect %d, read %d, write %d, timeout %d)\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
