-- emit-keys: rr.emit finds tables and columns however their names were made.
-- Names over 40 bytes are long strings in Lua (not interned), and a name
-- built while the rule runs is another string than the one declared, so
-- these rows take rr.emit's lookups by name, not by address; booleans,
-- decimals and positional cells go beside them.
local rr = require "rulerun"

local LONG_COL = "a_column_name_longer_than_forty_bytes_not_interned"
local LONG_TABLE = "a-table-name-longer-than-forty-bytes-not-interned"
rr.table(LONG_TABLE, { "file", LONG_COL, "flag", "n" })
rr.table("short", { "file", "x", "y" })

rr.rule("keys", function(doc)
  local col = table.concat { "a_column_name_longer_than_forty", "_bytes_not_interned" }
  local tname = table.concat { "a-table-name-longer-than-forty", "-bytes-not-interned" }
  rr.emit(tname, { [col] = "built", flag = true, n = 1.5 })
  rr.emit(LONG_TABLE, { [LONG_COL] = "declared", flag = false, n = doc.nlines })
  rr.emit(table.concat { "sh", "ort" }, { [3] = "third", x = "x" .. doc.nlines })
  rr.emit("short", { nil, 12, -0.25 })
end)
