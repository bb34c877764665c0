-- check.lua - assertions for the Lua tests: failures are collected, done() raises if any.
local M = { failures = 0, count = 0 }

local function show(v)
  if type(v) == "table" then
    local parts = {}
    for i, x in ipairs(v) do parts[i] = show(x) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return type(v) == "string" and string.format("%q", v) or tostring(v)
end

local function deep_eq(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  if #a ~= #b then return false end
  for k, v in pairs(a) do if not deep_eq(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

function M.eq(got, want, what)
  M.count = M.count + 1
  if not deep_eq(got, want) then
    M.failures = M.failures + 1
    local info = debug and debug.getinfo and debug.getinfo(2, "l")
    local where = info and info.currentline and info.currentline > 0 and ("line " .. info.currentline .. ": ") or ""
    io.stderr:write(string.format("%s%s: got %s, want %s\n", where, what or "check", show(got), show(want)))
  end
end

-- Checks that f raises an error whose message contains needle (plain text).
function M.raises(f, needle, what)
  M.count = M.count + 1
  local ok, err = pcall(f)
  if ok or not tostring(err):find(needle, 1, true) then
    M.failures = M.failures + 1
    io.stderr:write(string.format("%s: expected an error with %q, got %s\n", what or "raises",
      needle, ok and "no error" or tostring(err)))
  end
end

function M.done()
  io.stderr:write(string.format("%d checks, %d failed\n", M.count, M.failures))
  if M.failures > 0 then error(M.failures .. " checks failed", 0) end
end

return M
