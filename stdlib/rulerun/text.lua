-- rulerun/text.lua - text as reports print it: rr.trim, rr.strip_markup,
-- rr.split_names, rr.join_lines.  A topic module (stdlib/rulerun/init.lua).
local re = require "rulerun.re"
local document = require "rulerun.document"

return function(M)

-- Removes white space at both ends.
M.trim = document.trim

-- Removes Markdown emphasis (** and __) and surrounding white space.
function M.strip_markup(s)
  return M.trim((re.gsub(s, [[\*\*|__]], "")))
end

local NAME_SEP = re.compile([[\s*[、,，;；/]\s*]])
-- 以及, 及, 和, 与 where they are words of their own: not where the character
-- is part of a longer word (不及, 涉及, 普及, 及时; 温和, 饱和, 和谐; 参与, 与其 …)
local CONNECTOR = [[以及|(?<![不涉普危波顾企以])及(?![时早格])|(?<![温缓总柔暖饱调附共])和(?![谐睦蔼煦])|]] ..
  [[(?<![参给赋授])与(?![其否会])]]
local AND_WORD = re.compile([[^(.{2,}?)(?:]] .. CONNECTOR .. [[)(.{2,})$]])
local HAS_CONNECTOR = re.compile("及|和|与")
local TRAILING = re.compile([[(?:等|[。.;；,，:：\s])+$]])

-- Splits a list of names: "寒武纪、海光信息及龙芯中科等。" -> {"寒武纪", "海光信息", "龙芯中科"}.
-- Separators are 、 , ; / and the conjunctions 以及 及 和 与 when both sides
-- keep at least two characters (so 和而泰 stays whole) and the character is
-- not part of a word (AI需求不及预期风险, 饱和度 stay whole); a trailing 等 and
-- punctuation go.
function M.split_names(s)
  local out = {}
  s = M.strip_markup(s)
  for _, part in ipairs(NAME_SEP:split(s)) do
    part = TRAILING:gsub(part, "")
    while HAS_CONNECTOR:test(part) do
      local a, b = AND_WORD:match(part)
      if not a then break end
      a = M.trim((TRAILING:gsub(a, "")))
      if a ~= "" then out[#out + 1] = a end
      part = M.trim(b)
    end
    if part ~= "" then out[#out + 1] = part end
  end
  return out
end

-- Joins wrapped lines back: no space between them, except between two ASCII
-- letters or digits ("Scaling" + "Law" -> "Scaling Law").  lines: a list or a
-- string (cut at \n); each line trimmed, empty ones dropped.  (In C.)
M.join_lines = document.join_lines

end
