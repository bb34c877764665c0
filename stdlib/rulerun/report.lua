-- rulerun/report.lua - who and what published a report: rr.analysts, rr.broker,
-- rr.industry_rating.  Installed into the rulerun table by stdlib/rulerun/init.lua;
-- priv holds the stdlib's private helpers (window, anchored_match, HAN, iso).
local re = require "rulerun.re"

return function(M, priv)

local window, anchored_match, HAN, iso = priv.window, priv.anchored_match, priv.HAN, priv.iso

-- ---- analysts ---------------------------------------------------------------
-- A SAC number is S + 13 digits (more digits running on, e.g. into a phone
-- number, are cut off; fewer are a misprint and no row).  The name is found
-- around each number in four ways, the first that gives one wins:
--  A. the run of Chinese characters that ends where only labels, roles,
--     phone numbers, e-mails and punctuation separate it from the number
--     ("马帅分析师SAC执业证书编号：S…", "分析师：江琦执业证书编号：S…",
--     "魏红梅SAC执业证书编号：S…", "刘逍遥(分析师)\nxx@yy.cn\n证书编号：S…",
--     "宋硕(执业证书编号：S…");
--  B. the last "分析师：NAME" (or 研究员, 联系人 …) before the number, up to the
--     previous number, for two-column layouts where the other column's text
--     comes between them; read in the original bytes, whose runs of spaces
--     mark where a column ends;
--  C. numbers printed side by side ("S…  S…") pair with as many role-prefixed
--     names before them, in order, or with none;
--  D. the name after the number on its line ("S…王某", "编号：S… 分析师：王某"),
--     unless labels lead from it to the next number and that number has no
--     name after it: then the layout is name-before and the name is the next
--     number's.
-- A run is cut after the last lead word (作者, 分析师, 研究团队, 研究中心, the
-- cover's rating 维持/买入 … glued before the byline) and must leave 2-4
-- characters that are no label, role or rating word; otherwise no name.

local H = "[" .. HAN .. "]"
local function rx(p, flags) return re.compile((p:gsub("<H>", H)), flags) end
local SAC_ID = re.compile([[S\d{13}]])
local ROLE_WORD = [[(?:\p{Han}{2}行业)?(?:首席|资深|高级|行业|助理)?(?:证券)?(?:分析师|研究员)|研究助理|联系人|助理(?!分析师|研究员)]]
local EMAIL = [=[[A-Za-z0-9_.+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+]=]
local SEP_ITEM = [=[(?:]=] .. ROLE_WORD ..
  [=[|[(（]\s*(?:]=] .. ROLE_WORD .. [=[)\s*[)）]|CFA|PhD|作者]=] ..
  [=[|SAC|SFC|No\.?|NO\.?|证券投资咨询|证券执业|投资咨询|业务|执业|执证|资格|证书|证号|编号|编码|登记|注册|号码|号|证]=] ..
  [=[|电话|联系电话|邮箱|联系邮箱|电邮地址|电邮|传真|(?i:e-?mail|tel)]=] ..
  [=[|]=] .. EMAIL .. [=[|[+＋]?[\d\-－*＊()（）+]{7,}|[\x{E000}-\x{F8FF}☎✉•·:：,，;；(（\n]| (?! ))]=]
local ADJACENT = rx([[(<H>+?)((?:]] .. SEP_ITEM .. [[)*)[(（]?\s*$]])
-- words a byline's name follows: its role, a team's or the cover's heading,
-- the cover's rating glued before it ("维持买入贺某某", "研究团队吴某某")
local LEAD = re.compile([[^.*(?:作者简介|作者|分析师|研究员|研究助理|联系人|助理|鸣谢|团队|研究报告|中心|研究所|研究院|研究部|]] ..
  [[买入|增持|中性|减持|卖出|持有|推荐|维持|首次)]])
local HEADER_ROLES = re.compile("(?:" .. ROLE_WORD .. ")(?:" .. ROLE_WORD .. ")$")   -- "分析师联系人张帆陈康"
local NOT_NAME = re.compile([[执业|证书|编号|编码|登记|资格|分析|研究|助理|联系|作者|证券|电话|邮箱|]] ..
  [[买入|增持|中性|减持|卖出|持有|推荐|维持|首次|评级|报告|英寸|亿元|万元|美元|行业|公司]])
local ROLE_IN = re.compile("(" .. ROLE_WORD .. ")")
local ROLE_BEFORE = re.compile("(" .. ROLE_WORD .. [[)[(（]?\s*[:：]?\s*$]])
local EMAIL_IN = re.compile("(" .. EMAIL .. ")")
local EMAIL_AFTER = re.compile([=[^[)）]?(?:[\s:：,，;；☎✉•·\x{E000}-\x{F8FF}]|[+＋]?[\d\-－*＊()（）+]{7,}|]=] ..
  [=[电话|邮箱|电邮地址|电邮|(?i:e-?mail|tel))*(]=] .. EMAIL .. ")")
local ROLE_NAME = rx([[((?:]] .. ROLE_WORD .. [[|作者)+)[ \t]*[:：]?\s*(<H>(?: ?<H>){1,3})(?! ?<H>)]])
local NEXT_ID = re.compile([=[^[\s,，、/;；]*S\d{13}]=])
-- D: a name after its number on the same line: "S…马帅", "编号:S… 分析师:马帅";
-- a bare name must be followed by what follows names in a byline (a role,
-- a label, an e-mail, a phone number, a number, the end), not by text
local AFTER_NAME = rx([=[^[ \t)）\]]*(?:((?:]=] .. ROLE_WORD ..
  [=[|作者)+)[ \t]*[:：]?[ \t]*(<H>(?: ?<H>){1,3})(?! ?<H>)|]=] ..
  [=[(<H>{2,4}?)(?=\s*(?:]=] .. ROLE_WORD .. [=[|SAC|执业|证书|编号|电话|邮箱|(?i:e-?mail|tel)|]=] ..
  EMAIL .. [=[|[+＋]?[\d\-－()（）]{7,}|S\d{13}|$)))]=])
-- the next number reached through labels, phones and e-mails only
local TO_NEXT_ID = re.compile([=[\G(?:]=] .. SEP_ITEM .. [=[)*?[(（]?\s*(S\d{13})]=])
local PREV_ID = re.compile([=[S\d{13}[\s,，、/;；]*$]=])

-- name, role when run (a run of Chinese characters ending just before a
-- label) holds a plausible name after its lead words; before: the text before it.
local function clean_name(run, before, sep)
  local lead = LEAD:match(run)
  local name = run
  if lead then name = run:sub(#lead + 1) end
  if lead and HEADER_ROLES:test(lead) then return nil end
  if not lead and before:match("%d$") and name:match("^日") then name = name:sub(4) end
  if not lead and re.test(before, [[\d\s+$]]) then return nil end   -- "23.8 英寸": a quantity
  -- across a line end, a name stands at the start of its line or after a
  -- colon or bracket; "…。随着汽\n执业证书号" is the other column's text
  if not lead and sep:find("\n", 1, true) and not re.test(before, [[(?:^|[\s:：)）])$]]) then return nil end
  local n = utf8.len(name)
  if not n or n < 2 or n > 4 or NOT_NAME:test(name) then return nil end
  local rest = lead or before
  return name, ROLE_BEFORE:match((window(rest, #rest - 47, #rest)))   -- a role is at most 16 characters
end

-- Text of s between a and b, from the original bytes when s is a document
-- whose original is UTF-8 there (runs of spaces kept), else the normalised text.
local function original(s, a, b)
  if type(s) ~= "string" and a <= b then
    local ok, o = pcall(s.original, s, a, b)
    if ok and o then
      o = window(o, 1, #o)               -- a character cut at either end goes
      if utf8.len(o) then return o end
    end
  end
  return (window(s, a, b))
end

-- The people a report names with their SAC registration number:
-- { {role=, name=, sac_id=, email=}, ... } in the order their numbers first
-- appear, one per number; role and email are "" where the report gives none.
-- A number whose name is not found for sure gives no row.  s: a string or a document.
function M.analysts(s)
  local found, order = {}, {}
  local pos, prev_b = 1, 0
  local group = nil            -- pending side-by-side numbers {lo, {a, b, id}...}
  local function add(id, name, role, email)
    name = name:gsub(" ", "")
    if found[id] then
      if found[id].name ~= "" then return end
      found[id].name, found[id].role = name, role or ""
      if found[id].email == "" then found[id].email = email or "" end
      return
    end
    found[id] = { role = role or "", name = name, sac_id = id, email = email or "" }
    order[#order + 1] = id
  end
  -- D: the name after the number at b, its role and where it ends; a name
  -- that the next number follows through labels is that number's, unless
  -- the next number has a name after it too (the layout is name-after)
  local function name_after(b)
    local w = window(s, b + 1, b + 160)
    local _, e, role, nm, bare = AFTER_NAME:find(w)
    local name = nm or bare
    if not name then return nil end
    name = name:gsub(" ", "")
    local n = utf8.len(name)
    if not n or n < 2 or n > 4 or NOT_NAME:test(name) then return nil end
    local _, ne = TO_NEXT_ID:find(w, e + 1)
    if ne and not AFTER_NAME:test((window(s, b + ne + 1, b + ne + 160))) then return nil end
    return name, role and ROLE_IN:match(role) or "", b + e
  end
  local function email_after(b)
    local e = EMAIL_AFTER:match((window(s, b + 1, b + 120)))
    return e
  end
  local function flush_group()
    if not group then return end
    local text = original(s, group.lo, group[1].a - 1)
    local names = {}
    for r, name in ROLE_NAME:gmatch(text) do
      local nm = name:gsub(" ", "")
      if not NOT_NAME:test(nm) and not HEADER_ROLES:test(r) then names[#names + 1] = nm end
    end
    if #names >= #group then
      local first = #names - #group
      for i, g in ipairs(group) do add(g.id, names[first + i], nil, "") end
    end
    group = nil
  end
  while true do
    local a, b = SAC_ID:find(s, pos)
    if not a then break end
    local id = s:sub(a, b)
    local lo = math.max(prev_b + 1, a - 300)
    local next_id = NEXT_ID:test((window(s, b + 1, b + 40)))
    local in_group = next_id or
                     (prev_b > 0 and PREV_ID:test((window(s, math.max(1, a - 60), a - 1))) and
                      (window(s, prev_b + 1, a - 1)):match("^[%s,;/]*$"))
    if in_group then
      if not group then group = { lo = lo } end
      group[#group + 1] = { a = a, b = b, id = id }
      if not next_id then flush_group() end
    elseif not (found[id] and found[id].name ~= "") then
      local before = window(s, lo, a - 1)
      local ra, _, run, sep = ADJACENT:find(before)
      local name, role
      if run then
        name, role = clean_name(run, before:sub(1, ra - 1), sep)
        if name then
          role = role or ROLE_IN:match(sep) or ""
          add(id, name, role, EMAIL_IN:match(sep) or email_after(b))
        end
      end
      if not name then
        local text = original(s, lo, a - 1)
        local last_role, last_name
        for r, nm in ROLE_NAME:gmatch(text) do last_role, last_name = r, nm end
        if last_name and not NOT_NAME:test((last_name:gsub(" ", ""))) and not HEADER_ROLES:test(last_role) then
          last_role = ROLE_IN:match(last_role) or ""
          add(id, last_name, last_role, email_after(b))
          name = last_name
        end
      end
      if not name then
        local after_role, stop
        name, after_role, stop = name_after(b)
        if name then
          add(id, name, after_role, email_after(stop))
          b = stop                       -- the next number's name starts after it
        end
      end
    end
    prev_b = b
    pos = b + 1
  end
  local out = {}
  for _, id in ipairs(order) do
    if found[id].name ~= "" then out[#out + 1] = found[id] end
  end
  return out
end

local RATING_WORDS = [[强于大市|同步大市|跟随大市|弱于大市|优于大市|领先大市|落后大市|优于大势|同步大势|落后大势|]] ..
  [[看好|中性|看淡|买入|增持|谨慎推荐|推荐|超配|标配|低配]]
local ACTION_WORDS = [[维持|首次|上调|下调|调高|调低]]
local ACTION = [[\(\s*(]] .. ACTION_WORDS .. [[)(?:评级)?\s*\)]]
local INDUSTRY_RATING = re.compile("(" .. RATING_WORDS .. [[)\s*]] .. ACTION .. "$")
local ACTION_ANCHOR = re.compile(ACTION)
-- Markdown heads put rating and action on lines of their own, either order,
-- as headings or bold, with or without blank lines between (MinerU writes
-- each as a paragraph): "## 维持\n强于大市", "强于大市\n\n## 维持评级",
-- "**强于大市**\n\n**维持**".  (?m:^), not (?:^|\n): PCRE2 then tries the
-- pattern only at line starts, which it finds with memchr (a third of the
-- time of weekly.lua's costliest regex).
local MD_START = [[(?m:^)[ \t]*(?:#+[ \t]*)?(?:\*\*)?]]
local MD_NEXT = [[(?:\*\*)?[ \t]*\n(?:[ \t]*\n)*[ \t]*(?:#+[ \t]*)?(?:\*\*)?]]
local MD_END = [[(?:\*\*)?[ \t]*(?:\n|$)]]
local MD_RATING = re.compile(MD_START .. "(" .. RATING_WORDS .. ")" .. MD_NEXT ..
  "(" .. ACTION_WORDS .. ")(?:评级)?" .. MD_END ..
  "|" .. MD_START .. "(" .. ACTION_WORDS .. ")(?:评级)?" .. MD_NEXT .. "(" .. RATING_WORDS .. ")" .. MD_END)
local LAST_ANCHOR = re.compile([[上次评级\s*:?\s*]])
local LAST_RATING = re.compile("(" .. RATING_WORDS .. [[)\s*$]])
local LAST_VALUE = re.compile("^(" .. RATING_WORDS .. ")")
local HEAD = 4000

-- An industry rating with its action: "强于大市 (维持评级)" -> "强于大市", "维持";
-- "增持（维持）", "看好（首次）" likewise; a Markdown head's "## 维持" and
-- "强于大市" on lines of their own; "优于大势上次评级:优于大势" -> "优于大势",
-- "维持" (a different last rating gives no action).  nil when s has none.
function M.industry_rating(s)
  local rating, action = anchored_match(s, ACTION_ANCHOR, INDUSTRY_RATING, 20)
  if rating then return rating, action end
  local head = window(s, 1, HEAD)
  local r1, a1, a2, r2 = MD_RATING:match(head)
  if r1 then return r1, a1 end
  if r2 then return r2, a2 end
  local a, b = LAST_ANCHOR:find(head)
  if a then
    rating = LAST_RATING:match((window(head, a - 16, a - 1)))
    if rating then
      local last = LAST_VALUE:match((window(head, b + 1, b + 16)))
      return rating, last == rating and "维持" or nil
    end
  end
  return nil
end

-- The publisher is the firm the report's furniture names: "XX证券研究所" (研究院,
-- 研究中心, 研究发展中心), "XX证券股份有限公司" (有限责任公司, 有限公司) and
-- "XX证券版权".  Each such mention gives the characters before 证券; leading
-- words glued on ("本报告由", "版权属于", "年加入") are shed by counting: the
-- name grows from its last two characters one character to the left for as
-- long as most mentions agree on that character.  A name is a guess unless
-- the report says it twice or once in a form that is its own: its research
-- unit ("XX证券研究所", as it signs its charts and bylines) or its legal lines
-- ("本报告由XX证券…", "版权归XX证券…", "XX证券股份有限公司(以下简称…)");
-- a company named once in the text (a news item) is not the publisher, and
-- two names said as often as each other leave it unsure.
local BROKER_ANCHOR = re.compile([[证券(?:研究所|研究院|研究中心|研究发展中心|发展研究中心|股份有限公司|有限责任公司|有限公司|版权)]])
local RUN_END = rx([[(<H>+)$]])
local BROKER_LEAD = re.compile([[^.*(?:由|属于|均属|归|加入|进入|就职于|任职于|于|为|经|征得|仅供|声明|提示|部分|而使|年|月|日)]])
local OWN_LEAD = re.compile([[(?:由|属于|均属|归|仅供)$]])
local OWN_AFTER = re.compile([[^\s*\(\s*以下(?:简称|统称|称)]])
local BROKER_MENTIONS = 400      -- enough to outvote other firms a report cites

-- The broker that publishes the report, up to and including 证券: "中国银河证券"
-- from "本报告由中国银河证券股份有限公司…" and "中国银河证券研究院".  nil when
-- the report names none in those forms, or names a firm once and not as its
-- own.  s: a string or a document.
function M.broker(s)
  local runs, order, pos = {}, {}, 1        -- run -> {n=, chars=, a=, b=, lead=} of its first mention
  for _ = 1, BROKER_MENTIONS do
    local a, b = BROKER_ANCHOR:find(s, pos)
    if not a then break end
    local run = RUN_END:match((window(s, a - 24, a - 1)))
    local lead = run and BROKER_LEAD:match(run)
    if lead then run = run:sub(#lead + 1) end
    if run and #run >= 6 then
      local r = runs[run]
      if r then r.n = r.n + 1
      else
        r = { n = 1, a = a, b = b, lead = lead, chars = {} }
        for _, c in utf8.codes(run) do r.chars[#r.chars + 1] = utf8.char(c) end
        runs[run], order[#order + 1] = r, r
      end
    end
    pos = b + 1
  end
  -- the most frequent ending of n characters among mentions ending in suffix
  -- (nil on a tie), its count and the first mention that has it
  local function count(n, suffix)
    local counts, first = {}, {}
    for _, r in ipairs(order) do
      local chars = r.chars
      if #chars >= n then
        local key = table.concat(chars, "", #chars - n + 1)
        if suffix == nil or key:sub(-#suffix) == suffix then
          counts[key] = (counts[key] or 0) + r.n
          first[key] = first[key] or r
        end
      end
    end
    local best, best_n, tied = nil, 0, false
    for key, c in pairs(counts) do
      if c > best_n then best, best_n, tied = key, c, false
      elseif c == best_n then tied = true end
    end
    if tied then return nil end
    return best, best_n, first[best]
  end
  local name, n, r = count(2)
  if not name then return nil end
  for len = 3, 6 do
    local longer, m, rl = count(len, name)
    if not longer or m * 5 < n * 3 then break end
    name, n, r = longer, m, rl
  end
  if n < 2 then                                   -- seen once: its own form, or a guess
    local own = s:sub(r.a, r.a + 8) == "证券研" or s:sub(r.a, r.a + 11) == "证券发展" or
                (r.lead and OWN_LEAD:test(r.lead)) or OWN_AFTER:test((window(s, r.b + 1, r.b + 24)))
    if not own or utf8.len(name) > 4 then return nil end
  end
  return name .. "证券"
end

-- ---- publication date --------------------------------------------------------
-- Where reports print their date, most certain first:
--  1. after a label anywhere: 发布日期, 发布时间, 报告日期, 报告时间, 发布于,
--     and the template tags that name it ([Table_Date], Table_ReportDate,
--     #createTime#);
--  2. the cover: the first date of the head block (HEAD_BYTES) that stands on
--     its own.  A date inside a sentence or a bracket is the body's (a data
--     cut-off, an event, a related report's): it stands on its own unless a
--     preposition, cut-off word, conjunction, opening bracket, title end or
--     range dash comes right before it (截至, 于, 自, 为, 及, "(", 》, "…日-")
--     or a comma, closing bracket, range dash or a word that goes on with the
--     sentence right after it (", " ")" 起 以来 前 后 发布 召开 上旬 底 的 …).
--     Where a year and month alone ("2021年4月") stand first in the first
--     COVER_BYTES, the cover prints no day: no date, unless a full date
--     stands there too (a title's "2020年10月…跟踪" before the date).
-- Dotted, dashed and slashed dates count only when month and day use the
-- same separator (2020.08.02, 2021-01-10).
local DATE_LABEL = re.compile([[(?:发布日期|发布时间|报告日期|报告时间|发布于|Table_Date\]|Table_ReportDate|createTime\d*#?)]])
local COVER_BYTES, HEAD_BYTES = 600, 8000
local FULL = [[((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|]] ..
  [[((?:19|20)\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?![\d.])]]
local LABELLED_DATE = re.compile([[^[\s:：|\]\[।\x{E000}-\x{F8FF}]{0,6}(?:]] .. FULL .. ")")
-- captures 1-3: 年月日; 4-7: y sep m d; 8-9: a year and month alone
local HEAD_DATE = re.compile([[((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|]] ..
  [[(?<![\d.])((?:19|20)\d{2})\s*([-/.])\s*(\d{1,2})\s*\5\s*(\d{1,2})(?![\d.])|]] ..
  [[(?<![\d.])((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d|份)]])
local IN_TEXT_BEFORE = re.compile([[(?:截至|截止|数据|收盘|股价|时间为|更新|至|自|于|为|始|从|在|基于|以|到|及|和|与|、|预计|期间|本周|]] ..
  [[(?:估值|数据|截止|截至|更新|统计|交易|出版)日期|[(（《~～]|(?:》|>>)\s*(?:[-—–]+|[,，])?|[,，]|[—–]|--|]] ..
  [[(?:日|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2})\s*-)\s*[:：]?\s*$]])
local IN_TEXT_AFTER = re.compile([[^\s*(?:[,，、)）~～。;；]|[-—–]\s*\d|至|到|起|以来|之?前|之?后|发布|召开|举行|签署|公布|收盘|收市|]] ..
  [[的|开始|上午|下午|晚|为止|止|期间|当地|左右|之间|披露|宣布|正式|上旬|中旬|下旬|初|底|末)]])

-- Whether the date at a..b of text stands on its own (see above).
local function stands_alone(text, a, b)
  return not IN_TEXT_BEFORE:test((window(text, a - 24, a - 1))) and
         not IN_TEXT_AFTER:test((window(text, b + 1, b + 18)))
end

local function labelled_date(doc)
  local pos = 1
  for _ = 1, 50 do
    local a, b = DATE_LABEL:find(doc, pos)
    if not a then return nil end
    local caps = { LABELLED_DATE:match((window(doc, b + 1, b + 40))) }
    local d = caps[1] and iso(caps[1], caps[2], caps[3]) or caps[4] and iso(caps[4], caps[5], caps[6])
    if d then return d end
    pos = b + 1
  end
end

local function cover_date(doc)
  local head = window(doc, 1, HEAD_BYTES)
  local pos, month_only = 1, false
  while true do
    local c = { HEAD_DATE:find(head, pos) }
    local a, b = c[1], c[2]
    if not a or (month_only and a > COVER_BYTES) then return nil end
    if stands_alone(head, a, b) then
      if c[10] then
        if a <= COVER_BYTES then month_only = true end
      else
        local d = c[3] and iso(c[3], c[4], c[5]) or iso(c[6], c[8], c[9])
        if d then return d end
      end
    end
    pos = b + 1
  end
end

-- The date the report was published, as YYYY-MM-DD: "发布时间：2021-03-28",
-- "报告日期：2021年05月09日", "[Table_Date]…", the cover's date.  nil when
-- the report prints none, or only a year and month.  doc: a document or a
-- string.  Not a data cut-off ("截至2024年9月18日"), an event in the text
-- ("2021年1月15日,公司发布…") nor a related report's date ("《…》2021-03-07").
function M.report_date(doc)
  return labelled_date(doc) or cover_date(doc)
end

end
