-- rulerun/advice.lua - what a report advises, in any broker's dress: its risk
-- items (rr.risk_items, rr.risks) and the companies it recommends
-- (rr.advice_names, rr.recommendations, rr.rated_company).  Installed into
-- the rulerun table by stdlib/rulerun.lua.
--
-- Precision first: every helper here returns nothing rather than a guess when
-- the text does not have the shape it reads (a list under a heading, names
-- after a recommending verb, a company and its code on a company report's
-- cover).  Report knowledge, never a broker's or a company's name.
local re = require "rulerun.re"

return function(M, priv)

local window, CODE, find_plain = priv.window, priv.CODE, priv.find_plain
-- a Chinese character (PCRE2's \p{Han} takes Script_Extensions, so it also
-- matches 。 、 and other CJK punctuation)
local HANC = "[" .. priv.HAN .. "]"

-- ---- risk items --------------------------------------------------------------

local RISK_HEADINGS = { "风险提示", "风险因素", "投资风险", "主要风险", "风险分析", "风险因子" }
M.RISK_HEADINGS = RISK_HEADINGS

-- Legal wording: a 风险提示 whose text is this is the disclaimer, not a list.
local LEGAL = re.compile([[本报告|免责|仅供|不构成|投资者(?:应|据此|自行)|版权|授权|不承担|任何形式|]] ..
  [[法律责任|不保证|投资需谨慎|入市需谨慎|评级|我们在此提醒|本公司|我公司|业务资格|证券研究机构]])
-- a table-of-contents entry: dot leaders, or the heading and a page number only
local TOC = re.compile([[(?:\.{4,}|…{2,}|·{4,})\s*\d*|^\s*\d{1,3}\s*$]])
local LIST_END = re.compile([[。]])
-- ; or a bullet (the lookahead only spares the search a try at each character)
local ITEM_SEP = re.compile([[(?=[\s;；•])(?:\s*[;；]\s*|(?<=[^\s•])\s*•\s*)]])
local ENUM_SEP = re.compile([[\s*、\s*]])
local COMMA_SEP = re.compile([[\s*[,，]\s*]])
-- how a risk ends when it is a phrase of its own ("…不及预期", "…风险", "…加剧")
local RISK_WORDS = [[预期|风险|加剧|下降|下滑|下行|波动|变化|变动|不足|放缓|失败|延迟|延期|滞后|]] ..
  [[上涨|上升|摩擦|冲击|收紧|恶化|减少|萎缩|不利|超预期|不确定性|趋严|流失|短缺|紧缺|失效|]] ..
  [[反复|加大|升级|落地|减弱|不畅|受阻|降价|涨价|下跌|不达预期|不如预期|问题|事件|激烈|压力|]] ..
  [[冲突|纠纷|影响|逆转|降级|因素|威胁|瓶颈|等]]
-- ($ first: a search fails at once where it is not at the end)
local RISK_END = re.compile("$(?<=" .. RISK_WORDS .. ")")
-- words that go on with the same risk after a comma ("疫情发展超预期，导致需求不及预期",
-- "疫情持续，影响需求")
local CONNECTIVE = re.compile([[^(?:导致|从而|进而|以及|使得|使|致使|造成|引起|并且|并导致|而且|因此|因而|由于|]] ..
  [[如果|若|其中|包括|尤其|影响|抑制|拖累|带来|对|将|可能|或)]])
-- where a list glued into the next block of the page ends: a byline, a
-- source line, a page footer or number, a chart or table caption, a tag
local STOP_WORDS = [[分析师|研究员|研究助理|联系人|执业证书|证书编号|资料来源|数据来源|请务必|敬请|]] ..
  [[本报告|相关研究|相关报告|报告作者|\d+周(?:走势|行情)|\[?Table_|(?<![\d.])\d{1,3}/\d{1,3}(?![\d/])|]] ..
  [[图表?\s*\d|表\s*\d|(?:-?\d+(?:\.\d+)?%){2,}]]
local LIST_STOP = re.compile(STOP_WORDS)
-- what page furniture and templates glue onto a list's last item in text
-- without line breaks: the above, a running header (证券研究报告, 行业研究,
-- 研究所: HEADER, which a sector's name of a few characters may lead), a page
-- number (第4页, -14-), a "|" or a "#title#" tag, a table of contents, the
-- next block's heading or table (一、, 重点标的, 代码 …), a cover's rating,
-- digits glued after a risk's end ("…管理风险23代码名称") or a run of chart digits
-- (the digit is looked for before the risk's end behind it: the lookbehind
-- of all RISK_WORDS at every character cost most of the search)
local HEADER = [[(?:研究|分析|专题|深度)报告|(?:行业|专题|公司|深度|策略|证券)研究|研究所|研究中心]]
local JUNK = re.compile(STOP_WORDS .. "|" .. HEADER .. [[|[#|]|\d{5,}|(?=\d)(?<=]] .. RISK_WORDS .. [[)\d|]] ..
  [[\d{0,3}[一二三四五六七八九十]{1,2}、|目录|第\s*\d+\s*页|-\s*\d+\s*-|\d+\s*of\s*\d+|请阅读|请参阅|]] ..
  [[风险提示|投资建议|投资要点|建议关注|重点推荐|重点(?:标的|公司)|推荐股票|盈利预测|代码|收盘价|EPS|]] ..
  [[(?:买入|增持|推荐|中性)\s*\((?:维持|首次)|作者]])
local HEADER_AT = re.compile([[\G(?:]] .. HEADER .. ")")
-- the lead of a sentence that introduces its risks ("影响行业的因素主要有A、B")
local RISK_LEAD = re.compile([[^.{0,40}?(?:主要(?:有|包括|是|为)|包括但不限于|如下)\s*:?\s*(?=\S)]])
-- a heading matched at the start of a longer one (主要风险 in 主要风险因素)
local HEADING_REST = re.compile([[^\s*(?:因素|提示|分析|因子)\s*(?:】|:)?\s*]])
local BULLETS = re.compile([[^[\s•▪◆◇■□●○◼⚫➢➤▶►\-*#]+]])
local NUMBERING = re.compile([[^\s*(?:\(\s*\d{1,2}\s*\)|\d{1,2}\s*[)、]|\d{1,2}\.(?!\d)|[①-⑳])\s*]])
local ENDS = re.compile([[[\s。;；,，、:：]+$]])
local HEAD_COLON = re.compile([[^(.{2,30}?)\s*:(?!\d)\s*(\S.*)$]])
local HAN = re.compile(HANC)
local MAX_RISK = 200          -- characters; a longer "item" is prose, not a list
-- an item of three clauses or more, or with a bullet inside, is prose (a body
-- section that explains each risk at length), not an item of a list
local PROSE = re.compile([[(?:,[^,]*){3}|•]])

-- a lead byte of a character of U+4000-9FFF (CJK ideographs): no space,
-- bullet, number or punctuation
local function ideograph(b) return b and b >= 0xE4 and b <= 0xE9 end

local function clean_item(s)
  local markup = s:find("**", 1, true) or s:find("__", 1, true)
  -- an ideograph at both ends and no markup: nothing to clean (a regex's
  -- call costs far more than these checks)
  if not markup and ideograph(s:byte(1)) and ideograph(s:byte(-3)) then return s end
  if markup then s = re.gsub(s, [[\*\*|__]], "") end
  s = NUMBERING:gsub(BULLETS:gsub(M.trim(s), ""), "")
  return M.trim((ENDS:gsub(s, "")))
end

local function len(s) return utf8.len(s) or 0 end

-- 、 separates whole risks when every part is a phrase of four characters
-- or more or ends like a risk, and either most end like risks or each is
-- longer than four characters ("研发进度、市场推广不及预期风险" is one risk).
local function enum_ok(parts)
  local whole, long = 0, true
  for _, p in ipairs(parts) do
    local risk = RISK_END:test(p)
    if not risk and len(p) < 4 then return false end
    if risk then whole = whole + 1 elseif len(p) < 5 then long = false end
  end
  return long or 2 * whole > #parts
end

-- whether s holds one of the strings marks
local function holds(s, marks)
  for _, m in ipairs(marks) do
    if s:find(m, 1, true) then return true end
  end
  return false
end
-- the characters one of which each match of COMMA_SEP, ENUM_SEP holds
local COMMAS, ENUMS = { ",", "，" }, { "、" }

-- parts of s cut at sep (which matches only where s holds one of marks),
-- without empty ones
local function cut(s, sep, marks)
  local out = {}
  for _, p in ipairs(holds(s, marks) and sep:split(s) or { s }) do
    p = clean_item(p)
    if p ~= "" then out[#out + 1] = p end
  end
  return out
end

-- Commas separate whole risks when no part goes on with the one before (a
-- connective: 导致, 影响 …), each is a phrase of four characters or more, and
-- the parts are whole risks: both of two, two in three of more.  A part is
-- one when it ends like a risk, or says what causes what inside itself
-- ("疫情影响下半年公司业绩,美国制裁导致国内半导体发展放缓").
local CAUSES = re.compile([[^.{2,}?(?:影响|导致|冲击|拖累|制约).{2,}$]])
-- a part led by 由于 that names its own effect ("由于…不足所导致的供需不平衡
-- 得到缓解") is a risk of its own, not the reason of the part before (a
-- string compare and CAUSES: a pattern more costs its compile per state)
local function own_cause(p) return p:sub(1, 6) == "由于" and CAUSES:test(p) end
local function commas_split(parts)
  if #parts < 2 then return false end
  local whole = 0
  for i, p in ipairs(parts) do
    if len(p) < 4 or (i > 1 and CONNECTIVE:test(p) and not own_cause(p)) then return false end
    if RISK_END:test(p) or CAUSES:test(p) then whole = whole + 1 end
  end
  return 3 * whole >= 2 * #parts and (#parts > 2 or whole == 2)
end

-- 、 separates whole risks (enum_ok); the parts before one that names what they share after a 等 ("A、B等领域进展不及预期",
-- "…法律、财务信息质量、商誉等风险") stay with it, back to the last that ends
-- like a risk.
local SHARED = re.compile("等" .. HANC)
local function enum_split(s)
  if not holds(s, ENUMS) then                 -- one part (what the loop below keeps)
    local c = clean_item(s)
    if c == "" then return {} end
    return enum_ok({ c }) and { c } or { s }
  end
  local parts = cut(s, ENUM_SEP, ENUMS)
  if not enum_ok(parts) then return { s } end
  local out = {}
  for _, p in ipairs(parts) do
    if p:find("等", 1, true) and SHARED:test(p) then
      local k = #out
      while k >= 1 and not RISK_END:test(out[k]) do k = k - 1 end
      if k < #out then
        p = table.concat(out, "、", k + 1) .. "、" .. p
        for j = #out, k + 1, -1 do out[j] = nil end
      end
    end
    out[#out + 1] = p
  end
  return out
end

-- The whole risks of one part of a list (a point, or the text between two
-- ;): a risk that explains itself after a colon is its name ("需求不及预期:
-- 若…"); a group label before a colon ("器械板块:A风险,B风险") gives the
-- risks after it; else the part cut at commas and 、 that separate whole risks.
local function whole_risks(p, out)
  local head, rest = nil, nil
  if p:find(":", 1, true) then head, rest = HEAD_COLON:match(p) end
  if head then
    head, rest = clean_item(head), clean_item(rest)
    local first = cut(rest, COMMA_SEP, COMMAS)[1] or ""
    if RISK_END:test(head) or not RISK_END:test(first) or CONNECTIVE:test(first) then
      out[#out + 1] = head
      return
    end
    p = rest                          -- a label: its risks follow
  end
  -- (without a comma, commas_split has one part at most: no need to clean it)
  local commas = holds(p, COMMAS) and cut(p, COMMA_SEP, COMMAS) or {}
  for _, q in ipairs(commas_split(commas) and commas or { p }) do
    for _, r in ipairs(enum_split(q)) do out[#out + 1] = r end
  end
end

-- A part whose end is glued to page furniture or the next block (or, with
-- cut_off, the last part of a list that ran into a byline or a footer): the
-- text before it — without the sector's name, up to four characters, that
-- leads a running header ("…安全性风险医药行业研究p3") — and a check for its
-- last risk (the list ends there): it must end like a risk, else the page
-- cut it off and it is dropped.
local TRIM_TAIL = re.compile("^(.*(?:" .. RISK_WORDS .. "))" .. HANC .. "{1,4}$")
local function unglue(p, cut_off)
  local a = JUNK:find(p)
  if not a and not cut_off then return p, nil end
  local before = clean_item(a and p:sub(1, a - 1) or p)
  if a and HEADER_AT:test(p, a) and not RISK_END:test(before) then
    before = TRIM_TAIL:match(before) or before
  end
  return before, function(last) return RISK_END:test(last) and last or nil end
end

-- The risk items of the text of a risk warning (the body under its heading):
-- numbered points ((1) 1、 ①, each up to its full stop), else the first
-- sentence (up to 。 or the byline, source line, footer or chart glued after
-- it); each cut at ; and at 、 and commas where they separate whole risks
-- ("扩产不及预期、下游需求不及预期", "市场震荡风险，研发进展不及预期", but
-- not "新技术、新工艺无法产业化风险" nor "疫情发展超预期，导致需求不及预期").
-- An item keeps its name before a colon; a group label before a colon gives
-- the risks after it; bullets, numbering, the lead of the sentence (…主要有)
-- and the trailing 。;， go, a trailing 等 stays.  Page furniture or a
-- heading glued onto an item ends the list there.  Returns {} when the text
-- is a table-of-contents entry, legal wording, or prose rather than a list.
-- the full stop a heading ends with ("◆风险分析。A风险;B风险。")
local HEADING_STOP = re.compile([[^[。.]+\s*]])

function M.risk_items(text)
  text = HEADING_STOP:gsub(M.trim(text or ""), "")
  if text == "" then return {} end
  local points, cut_off = M.numbered(text), false
  if #points >= 2 then
    for i, p in ipairs(points) do
      local a = LIST_END:find(p)
      if a then points[i] = p:sub(1, a - 1) end
    end
  else
    local a = LIST_END:find(text)
    local sentence = a and text:sub(1, a - 1) or text
    local stop = LIST_STOP:find(sentence)
    if stop then sentence, cut_off = sentence:sub(1, stop - 1), true end
    if TOC:test(sentence) then return {} end
    points = { (RISK_LEAD:gsub(sentence, "")) }
  end
  local parts = {}
  for _, point in ipairs(points) do
    for _, p in ipairs(ITEM_SEP:split(M.join_lines(point))) do parts[#parts + 1] = p end
  end
  local out = {}
  for i, p in ipairs(parts) do
    local glued
    p, glued = unglue(p, cut_off and i == #parts)
    local items = {}
    whole_risks(p, items)
    if glued and #items > 0 then items[#items] = glued(items[#items]) end
    for _, item in ipairs(items) do
      if (#item > MAX_RISK and len(item) > MAX_RISK) or LEGAL:test(item) or TOC:test(item) or PROSE:test(item) then
        return {}
      end
      if ideograph(item:byte(1)) or HAN:test(item) then out[#out + 1] = item end    -- "2017" is a chart's year, no risk
    end
    if glued then break end
  end
  return out
end

-- The risk items of a report: the first risk warning (风险提示, 风险因素, 投资风险,
-- 主要风险, 风险分析) in the text whose text is a list of risks — the summary's,
-- which the body repeats — as a list of strings, and where it came from (the
-- section, or {pos=} where the list of a heading glued to the text before it,
-- with a colon, 】 or a bullet after it, starts).  Returns {} when none holds
-- one.  opts are doc:sections options (stop ...).
-- a heading glued to the text before it, told by the colon or bullet after
-- it, or by the bullet before it and its full stop ("…等。◆风险分析。A;B。");
-- the pattern starts with the heading, so that PCRE2 skips to its first
-- characters, and the bullet is looked at only after a full stop
local GLUED_HEADING = re.compile("(?:" .. table.concat(RISK_HEADINGS, "|") .. [[)\s*】?\s*(:|•|。)\s*]])
local BULLET_BEFORE = re.compile([[[•◆■●▶►]\s*$]])
local GLUED_BODY = 600        -- bytes after such a heading that its list may take
local FIRST_POINT = re.compile([[^\s*(?:\(\s*1\s*\)|1\s*[)、.](?!\d)|①)]])
local POINT_AT = re.compile([[\G\s*(?:\(\s*(\d{1,2})\s*\)|(\d{1,2})\s*[)、.](?!\d)|([①-⑳]))[^。]{1,200}。]])

-- An inline section ends at its first full stop; a numbered list whose
-- points each end in 。("1、A。2、B。") goes on while the next point follows.
local function numbered_run(doc, sec, text)
  if not (sec.span and sec.stop and FIRST_POINT:test(text)) or #M.numbered(text) >= 2 then return text end
  local pos, want = sec.stop + 1, 2
  while true do
    local a, b, d1, d2, circled = POINT_AT:find(doc, pos)
    if not a or a ~= pos then return text end
    local n = tonumber(d1 or d2) or utf8.codepoint(circled) - 0x2460 + 1
    if n ~= want then return text end
    text, pos, want = text .. doc:sub(a, b), b + 1, want + 1
  end
end

function M.risks(doc, opts)
  local spec = {}
  for i, h in ipairs(RISK_HEADINGS) do spec[i] = h end
  for k, v in pairs(priv.check_options(opts, "rr.risks") or {}) do spec[k] = v end
  -- the candidates in the order of the text: sections, and headings glued
  -- to the text before them (text without line breaks)
  local cands = {}
  for _, sec in ipairs(doc:sections(spec)) do cands[#cands + 1] = { pos = sec.pos or 0, sec = sec } end
  local pos = 1
  while true do
    local a, b, stop = GLUED_HEADING:find(doc, pos)
    if not b then break end
    if stop ~= "。" or BULLET_BEFORE:test((window(doc, a - 8, a - 1))) then cands[#cands + 1] = { pos = b + 1 } end
    pos = b + 1
  end
  table.sort(cands, function(x, y) return x.pos < y.pos end)
  for _, c in ipairs(cands) do
    local text
    if c.sec then
      text = numbered_run(doc, c.sec, (HEADING_REST:gsub(c.sec:text(), "")))
    else
      text = window(doc, c.pos, c.pos + GLUED_BODY)
    end
    local items = M.risk_items(text)
    if #items > 0 then return items, c.sec or { pos = c.pos } end
  end
  return {}
end

-- ---- recommended companies -------------------------------------------------

-- Words that recommend what follows them.  A bare 推荐 counts too: what it
-- introduces must still pass as company names (below).  A portfolio (组合)
-- or 金股 list counts where its label is followed by a colon or a note in
-- brackets ("稳健组合(排名不分先后)A,B", "8月金股:A"); "看好…龙头:" names its
-- companies after the colon.  重点公司 heading the week's news (重点公司业绩,
-- 重点公司公告及新闻) recommends nothing.
local TRIGGER = re.compile([[建议(?:重点|积极|持续)?关注|重点推荐|推荐关注|重点关注|持续关注|积极关注|重点跟踪|]] ..
  [[(?:推荐|受益|相关|核心|重点|首选)标的|(?:推荐|核心|重点|投资)组合|重点公司(?!\s*(?:业绩|公告|动态|新闻))|相关公司|受益公司|首推|主要推荐|我们推荐|]] ..
  [[(?:组合|金股)(?=\s*[:(])|看好[^,;。:]{0,12}?(?:龙头|公司|标的|个股|企业)(?=\s*:)|]] ..
  [[(?<=[,;。:])关注|推荐(?=\p{Han}|[A-Z])]])
-- triggers that name a list of companies by what they are (标的, 组合, 公司,
-- 金股): a name there needs less evidence than after 建议关注
local STRONG = re.compile([[标的|组合|公司|金股|重点推荐|首推|龙头|个股|企业]])
local LEAD = re.compile([[^[\s•]*(?:的|之)?(?:标的|公司|个股|龙头)?\s*(?:\([^()]{0,30}\))?\s*]] ..
  [[(?:为|有|包括(?:但不限于)?|如|是|:)?[\s:•]*]] ..
  -- a label of what is listed: "流量平台:", "个股方面:"
  [[(?:\p{Han}{0,6}?(?:平台|方向|板块|领域|环节|赛道|标的|个股|公司|组合|方面|产业链)\s*(?:为|如)?\s*:\s*)?]])
-- one name of a list, its bracket (a code, perhaps a rating) and what follows
-- it; after the first name, a connective before the next (以及 and 和 及 与,
-- which the first name may start with: 和佳股份)
local ITEM_AT = [[\s*([^、,;。:()《》"“”\s等/]{1,40})\s*(?:\(([^()]{1,40})\))?\s*(、|,|/|等|。|;|:|[和及与](?=[^()、,;。]{1,12}\()|$)?]]
local FIRST_ITEM = re.compile([[\G]] .. ITEM_AT)
local ITEM = re.compile([[\G\s*(?:以及|及|和|与)?]] .. ITEM_AT)
-- what follows a label's colon when the label heads a list ("消费电子:立讯精密/
-- 歌尔股份"): a name and an enumeration's separator
local MAX_LABEL = 10
-- the kind words after 等 up to the , or ; that goes on with the list
local RUN_AFTER_KIND = re.compile([=[\G[^,;。:()]{0,12}?[,;]]=])           -- characters of a label before a colon
local LIST_AFTER_COLON = re.compile([=[\G\s*[^、,;。:()《》"“”\s等/]{2,12}\s*(?:\([^()]{1,40}\))?\s*[、/]]=])
-- a heading glued after the last name of a list ("新洁能风险提示电动汽车…"),
-- a source line or a page number glued before the next block ("卫光生物16资料来源")
local GLUED_NEXT = re.compile([[(?:风险提示|风险因素|投资建议|投资要点|核心观点|重点推荐|盈利预测|评级|]] ..
  "(?:(?<=" .. HANC .. [[)\d{1,3})?(?:资料来源|数据来源)).*$]])
-- the number of the next point glued after a name ("…金域医学4、类消费…")
local ENUM_GLUED = re.compile([[(?<=\p{Han})[1-9]$]])
local AND_SPLIT = re.compile([[^(.{2,}?)(?:以及|和|及|与)(.{2,})$]])
-- after "A、B等": kinds of company (the list names companies) or of sector (it does not)
local COMPANY_KIND = re.compile([[\G\s*(?:\p{Han}{0,6}?)(?:龙头|公司|企业|厂商|标的|个股|品牌|厂家|供应商|头部)]])
local SECTOR_KIND = re.compile([[\G\s*\p{Han}{0,6}?(?:赛道|板块|产业链|领域|方向|行业|环节|细分|市场|机会|主线|主题|概念|产品|技术)]])
-- the kind right after 等, at most three characters before it ("等优质龙头")
local CLOSE_KIND = re.compile([[\G\s*(?:]] .. HANC .. [[{0,3}?)(?:龙头|公司|企业|厂商|标的|个股|品牌|厂家|供应商|头部)]])
-- or a kind of other things ("…等直流参数"): a noun right after 等 that is
-- neither of those nor the next block (a footer, a heading, a caption)
local OTHER_KIND = re.compile([[\G\s*(?!请|敬请|风险|资料|数据|本报告|图|表|投资|相关)]] .. HANC ..
  "(?!" .. HANC .. [[{0,10}?(?:龙头|公司|企业|厂商|标的|个股|品牌|厂家|]] ..
  [[供应商|头部|优质|核心|行业|板块|领域|方向|产业链|赛道|环节|市场|机会|细分))]])
-- a kind of company that a list's lead ends with, and the word that
-- introduces its names after a comma ("具备…的企业,包括A、B")
local KIND_END = re.compile([[(?:企业|公司|龙头|标的|厂商|个股)$]])
local SUCH_AS = re.compile([[\G\s*(?:包括|例如|比如|如|主要有)\s*:?]])
-- what makes an item of a list a sector or a kind of product
local SECTOR_END = re.compile([[(?:市场|行业|领域|板块|赛道|产业链|方向|环节|产品|技术|业务|设备|材料|芯片|器件|平台)$]])
-- the shape of a company's name: Chinese (2-8 characters, optionally a letter
-- or digit inside: 京东方A, 三六零) or a Latin brand (Meta, NVIDIA, AMD)
local NAME_SHAPE = re.compile([[^(?:[A-Za-z0-9]{0,3}\p{Han}[\p{Han}A-Za-z0-9]{1,9}|[A-Z][A-Za-z0-9&.\-]{1,19})$]])
-- ends that make a Chinese name a sector, a product or a phrase, not a
-- company, and the starts of a phrase
local NOT_COMPANY = re.compile([[(?:板块|行业|产业链|赛道|领域|方向|环节|龙头|企业|厂商|标的|个股|机会|机遇|]] ..
  [[市场|需求|业务|产品|技术|材料|设备|芯片|器件|平台|方面|主线|逻辑|估值|评级|业绩|投资|配置|预期|风险|]] ..
  [[的|]] ..
  [[相关|上游|下游|中游|国产|海外|国内|整体|细分|等|(?:相关|龙头|上市|优质|头部|标的|该|本|子|母|各|多家)公司)$|^(?:我们|同时|其中|此外|重点|建议|关注|推荐|维持|给予|]] ..
  [[首次|上调|下调|买入|增持|持有|中性|公司|行业|板块|标的|受益|相关|核心|以及|包括|例如|比如|如|介绍|]] ..
  [[据|通过|随着|由于|对于|其中|此外|也是|其他|还包括|来看|具备|具有|相比|看好|均有|之间)|]] ..
  -- a date or a quarter ("2月5日", "2020年", "Q3") is no name
  [[\d\s*[年月日号]|^Q\d]])
-- what most listed Chinese companies end with: evidence without a code
local COMPANY_END = re.compile([[(?:集团|股份|控股|科技|电子|高科|医药|药业|生物|医疗|微电|电气|电器|能源|智能|]] ..
  [[材料|精密|光电|光学|通信|信息|软件|网络|传媒|银行|证券|保险|汽车|动力|新材|化学|化工|制药|健康|]] ..
  [[实业|国际|半导体|装备|环境|电力|矿业|锂业|钴业|食品|酒业|乳业|机电|仪器|电路)$]])
local LATIN_ONLY = re.compile([[^[A-Za-z0-9&.\-]+$]])
local MAX_LIST = 600          -- bytes after a trigger that a list may take

-- "代工龙头中芯国际", "SiP模组供应商环旭电子": the name follows the last lead word
local LEAD_WORD = re.compile([[^.*(?:龙头|供应商|相关公司|公司|企业|标的|板块|领域|方面|厂商|观点|双雄|市值)(?=.{2})]])
-- "业绩高增长的智飞生物", "…实现替代的迈瑞医疗": the name follows the last 的
-- of its description, which may run over items before it ("通过研发投入、
-- 技术突破、有望…替代的迈瑞医疗")
local DESCRIBED = re.compile([[^.*的(?=.{2})]])
local DESCRIPTION_GOES_ON = re.compile([[\G[^,;。:]{0,60}?的]])

-- two names glued by the extraction where the second starts with Latin
-- letters ("京东方TCL科技"); one trailing letter is part of a name (京东方A)
local GLUED_TWO = re.compile("^(" .. HANC .. "{2,5})([A-Z]{2,5}" .. HANC .. "{1,4})$")
-- 及 和 与 inside a word (涉及, 普及, 不及, 参与, 饱和, 及时, 和谐 …) join no
-- two names: the text is a phrase ("积极参与封测厂商定增", "5G普及加速")
local AND_IN_WORD = re.compile("[涉普不波危顾触企惠遍提论推来殃]及|[参给赋授赠干]与|" ..
  "[总温缓饱融平调共柔附谦随违]和|及[时早格]|和[谐平解睦]|与[其否会]")

-- The names in one item of a list: "A和B", "A及B", "A以及B" give both (each
-- must then pass as a name); a name a report prints with its code stays
-- whole; a connective inside a word makes the item a phrase (nil).  Two
-- names glued by the extraction are cut only where the second ends like a
-- company's (TCL科技, not IC设计 or OTC药品).
local function split_and(name, codes)
  if codes[name] then return { name } end
  local a, b = AND_SPLIT:match(name)
  if a then
    if AND_IN_WORD:test(name) then return nil end
  else
    a, b = GLUED_TWO:match(name)
    if a and not (COMPANY_END:test(b) or codes[b]) then a = nil end
  end
  if a and NAME_SHAPE:test(a) and NAME_SHAPE:test(b) then return { a, b } end
  return { name }
end

-- 相关公司/相关标的 names companies that something concerns.  It recommends
-- them as a label ("相关标的：A、B", "…的差别相关公司A、B等") or in a sentence
-- that advises ("建议关注…板块相关公司A"), not as the object of a phrase
-- ("有望登陆科创板的相关公司包括…", "数据来源：相关公司公告").
local RELATED = re.compile([[^相关]])
local ADVISING = re.compile([[受益|建议|推荐|关注|看好|首选|优选|布局|配置]])
local OBJECT_OF = re.compile([[(?:的|对|给|为|及|来源\s*:)\s*$]])
-- The text in the bytes before byte a of s since the last match of stop
-- (a sentence's or a clause's end), the whole window when there is none.
local SENTENCE_END = re.compile([[。(?=[^。]*$)]])
local CLAUSE_END = re.compile([[[。,;](?=[^。,;]*$)]])
local function since(s, a, bytes, stop)
  local w = window(s, a - bytes, a - 1)
  local at = stop:find(w)
  return at and w:sub(at) or w, w
end

local function related_ok(s, a)
  local sentence, w = since(s, a, 400, SENTENCE_END)
  return ADVISING:test(sentence) or not OBJECT_OF:test(w)
end

-- In the disclaimer ("…意见及推荐并无根据个别投资者…"), a trigger recommends
-- nothing: its sentence is legal wording.
-- (LEGAL without 评级 and 本公司, which advice sentences say too)
local DISCLAIMER = re.compile([[本报告|免责|仅供|不构成|投资者(?:应|据此|自行)|个别投资者|版权|不承担|法律责任|不保证]])
local function in_legal(s, a, b)
  local after = window(s, b + 1, b + 90)
  local e = re.find(after, "[。;]")
  return DISCLAIMER:test((since(s, a, 200, CLAUSE_END))) or DISCLAIMER:test(e and after:sub(1, e - 1) or after)
end

-- Inside a 《title》 (a related report), a trigger recommends nothing.
local function in_title(s, a)
  local w = window(s, a - 120, a - 1)
  local open = re.find(w, "《[^》]*$")
  return open ~= nil
end

-- The list that follows a trigger ending at byte b of s: names with the
-- code in their bracket (if any).  Returns nil when what follows is not a
-- list of company names (a sector, a phrase, a verb), so nothing is guessed.
local function list_after(s, b, codes, strong)
  local w = window(s, b + 1, b + MAX_LIST)
  local _, lead_end = LEAD:find(w)
  local pos = lead_end + 1
  local names, kind_ok, after_comma, other_kind = {}, false, false, false
  local run_start = 1               -- the first name after the last , or ;
  while pos <= #w do
    local a, e, name, bracket, sep = (#names == 0 and FIRST_ITEM or ITEM):find(w, pos)
    if not a then break end
    name = re.gsub(name, "^.*【", "")   -- "封测【长电科技": a bracketed tag before the name
    local cut_name, cuts = GLUED_NEXT:gsub(name, "")
    -- A recommending word inside the item: the name follows the last one
    -- ("…等光模块龙头;面板推荐京东方A", "…,同时建议关注积极布局的华大基因"),
    -- or, with nothing after it, precedes it and ends the list there
    -- ("…、顺络电子受益标的:思瑞浦", whose next list the trigger starts)
    local t_start, t_end = TRIGGER:find(cut_name)
    local triggered = false
    if t_start then
      local after = cut_name
      while t_end do
        after = after:sub(t_end + 1)
        _, t_end = TRIGGER:find(after)
      end
      if after == "" then
        cut_name, cuts = cut_name:sub(1, t_start - 1), cuts + 1
      else
        cut_name, triggered = after, true
      end
      if cut_name == "" then break end
    end
    if sep == "、" then          -- "金域医学4、类消费生物药:": the next point's number
      local before, n = ENUM_GLUED:gsub(cut_name, "")
      if n > 0 then cut_name, cuts = before, cuts + 1 end
    end
    local bracket_code = bracket and M.ticker((re.split(bracket, "[,;/、]")[1]))
    if sep == ":" and cuts == 0 and not bracket_code and len((DESCRIBED:gsub(cut_name, ""))) <= MAX_LABEL
       and LIST_AFTER_COLON:test(w, e + 1) then
      -- "重点关注:消费电子:A/B", "…的头部企业:A、B": a label of the names after
      -- it, and what came before it in its run describes them
      for k = #names, run_start, -1 do names[k] = nil end
      pos = e + 1
    else
    local code = bracket_code or nil   -- unset captures are false
    local described, led
    name, led = LEAD_WORD:gsub(cut_name, "")
    if triggered then led = led + 1 end   -- the trigger led into the name
    if led > 0 and len(name) == 2 and not codes[name] then
      -- "具备龙头基因": two characters after a lead word are a name only
      -- with a code
      name, led = cut_name, 0
    end
    name, described = DESCRIBED:gsub(name, "")
    -- "…产品丰富的优质龙头企业华兰生物": a description before the lead word
    if led > 0 and DESCRIBED:test(cut_name) then described = 1 end
    if described > 0 then            -- the description began at the run's start
      for k = #names, run_start, -1 do names[k] = nil end
    end
    local parts = code and { name } or split_and(name, codes)
    local ok = parts ~= nil
    for _, n in ipairs(parts or {}) do
      if not NAME_SHAPE:test(n) or NOT_COMPANY:test(n) then ok = false end
    end
    if ok and sep == ":" and cuts == 0 and #names > 0 then
      -- "…/领益智造服务器:澜起科技": the next label glued to the last name
      break
    end
    local _, such = nil, nil
    if not ok and sep == "," and KIND_END:test(name) then _, such = SUCH_AS:find(w, e + 1) end
    if not ok and DESCRIPTION_GOES_ON:test(w, e + 1) and (sep == "、" or sep == "/") then
      ok = "skip"                   -- a part of the description of a name that follows
    elseif such then
      ok, e = "skip", such          -- "关注具备…的企业,包括A、B": the names follow
    elseif not ok then
      if SECTOR_END:test(name) then
        -- "口腔修复膜、角膜塑形镜市场": the names of its run are sectors too
        for k = #names, run_start, -1 do names[k] = nil end
      end
      if after_comma and #names > 0 then break end   -- the list ended at that , or ;
      return nil
    end
    for i, n in ipairs(ok == true and parts or {}) do
      names[#names + 1] = { name = n, code = i == #parts and code or nil, latin = LATIN_ONLY:test(n),
                            coded = code ~= nil or codes[n] ~= nil,
                            known = code ~= nil or codes[n] ~= nil or COMPANY_END:test(n) }
    end
    pos = e + 1
    -- the last run, after a , or ;, is one name no evidence knows: the list
    -- ended at that comma, and the sentence goes on ("…等标的,在上周五跌幅较大。")
    local goes_on = sep == "、" or sep == "/" or sep == "和" or sep == "及" or sep == "与" or
                    sep == "," or sep == ";"
    if not goes_on and run_start > 1 and #names == run_start and not names[#names].known and led == 0 then
      names[#names] = nil
      break
    end
    if cuts > 0 then break end   -- a heading glued after this name ended the list
    if sep == "等" then
      local kind = COMPANY_KIND:test(w, pos) and not SECTOR_KIND:test(w, pos)
      if kind and not CLOSE_KIND:test(w, pos) then
        -- "TWS耳机、手机品牌以及VR等新型应用终端龙头": after a long qualifier
        -- the kind may be of what the names stand for; a known name says
        -- they are companies
        local any = false
        for _, n in ipairs(names) do any = any or n.known end
        kind = any
      end
      if SECTOR_KIND:test(w, pos) and not COMPANY_KIND:test(w, pos) then
        if after_comma and #names > run_start then break end
        return nil
      end
      kind_ok = kind_ok or kind
      if not kind and OTHER_KIND:test(w, pos) then other_kind = true end
      -- "A、B等龙头公司;数据传输:C、D": the next run of the list
      local _, more = RUN_AFTER_KIND:find(w, pos)
      if not (kind and more) then break end
      pos, after_comma, run_start = more + 1, true, #names + 1
    elseif sep == "、" or sep == "/" or sep == "和" or sep == "及" or sep == "与" then
      after_comma = false
    elseif sep == "," or sep == ";" then
      after_comma = true      -- the list may go on, or have ended there
      run_start = #names + 1
    else
      break
    end
    end
  end
  -- evidence: each name known for a company, or the list says what it lists
  -- (等龙头/等公司, a strong trigger with one known name at least)
  local known = 0
  for _, n in ipairs(names) do if n.known then known = known + 1 end end
  -- most names known (three at least, two in three): the list is one of
  -- companies, and its other names are companies too
  local mostly = known >= 3 and 3 * known >= 2 * #names
  return names, kind_ok or mostly or (strong and known > 0), kind_ok, other_kind
end

-- A lead word glued before a name ("封测商深科技", "名称最新观点视源股份",
-- "还包括迈瑞医疗"): the longest tail of name (two characters or more) that
-- a set knows (a report's names with codes), else name itself.
local function known_tail(name, set1, set2)
  if set1[name] or set2[name] then return name end
  -- the tails from the second character to the last but one, longest first
  local at, n = 1, utf8.len(name) or 0
  for _ = 2, n - 1 do
    at = utf8.offset(name, 2, at)
    local tail = name:sub(at)
    if set1[tail] or set2[tail] then return tail end
  end
  return name
end

-- The companies a text recommends: the names listed after 建议关注, 重点推荐,
-- 推荐关注, 重点关注, 持续关注, 受益标的, 相关标的, 推荐标的 … ("建议关注
-- 长电科技(600584.SH)、通富微电(002156.SZ)等", "推荐三环集团和风华高科").  A list
-- counts only when every name is shaped like a company's and known for one:
-- it has a code in its bracket, codes (a name -> code map, e.g.
-- rr.ticker_map(doc)) has it, it ends like a company's name (集团, 科技,
-- 股份 …), or the list ends "等龙头/等公司/等厂商".  A list that goes on into
-- a sector ("PCB、存储等细分赛道") or a phrase gives nothing.  Returns
-- { {name=, code=, pos=}, ... } in order, each name once; code is nil where
-- the list gives none.
function M.advice_names(s, codes)
  codes = codes or {}
  local lists, pos = {}, 1
  while true do
    local a, b = TRIGGER:find(s, pos)
    if not a then break end
    local t = s:sub(a, b)
    if not in_title(s, a) and not in_legal(s, a, b) and (not RELATED:test(t) or related_ok(s, a)) then
      local names, all, kind, other = list_after(s, b, codes, STRONG:test(t))
      if names then lists[#lists + 1] = { names = names, all = all, kind = kind, other = other, pos = a } end
    end
    pos = b + 1
  end
  -- A name counts when it has a code, when its list is trusted (it says
  -- what it lists, or most of its names are known), when it ends like a
  -- company's, or when another list counts it.  An ending alone (…电路) does
  -- not carry a name in a list that says it lists things of another kind
  -- ("关注静态电流、动态电路、漏电流等直流参数").
  local listed, coded = {}, {}
  for _, l in ipairs(lists) do
    l.half = not l.other
    for _, n in ipairs(l.names) do
      if n.code then coded[n.name] = true end
      if n.coded or l.all or (n.known and l.half) then listed[n.name] = true end
    end
  end
  local function coded_tail(name) return known_tail(name, codes, coded) end
  local out, seen = {}, {}
  for _, l in ipairs(lists) do
    for _, n in ipairs(l.names) do
      n.name = coded_tail(n.name)
      -- a Latin word (VR, PCB, AIoT) is a company only with its code or in
      -- a list that says it lists companies ("苹果、Meta等龙头厂商")
      local latin_ok = not n.latin or n.code or codes[n.name] or l.kind
      if (n.coded or l.all or (n.known and l.half) or listed[n.name]) and latin_ok and not seen[n.name] then
        seen[n.name] = true
        out[#out + 1] = { name = n.name, code = n.code, pos = l.pos }
      end
    end
  end
  return out
end

-- ---- tickers next to a name -----------------------------------------------

-- codes as tables glued by the extraction print them, next to Chinese text
-- (CODE itself wants no word character before a code).  A bare six digits
-- are a code only with an exchange's prefix (00x 30x 60x 68x, 43 8x for the
-- NEEQ), so that a table's numbers glued to a name ("ST生化638574-13%") are not
local A_CODE = [[(?:00[0-3]|30[01]|60[0-5]|68[89])\d{3}|(?:43|8[1-9])\d{4}]]
local GLUED_CODE = [[((?:]] .. A_CODE .. [[)(?:\.(?:SH|SZ|BJ|OC|NQ))?|\d{6}\.(?:SH|SZ|BJ|OC|NQ)|]] ..
  [[\d{4,5}\.HK|[A-Z]{1,5}\.(?:O|N|OQ))(?![\d.A-Za-z%])]]
local CODE_AFTER = re.compile([[\G\s*\(?\s*]] .. GLUED_CODE)
-- before a name, also an A-share code glued to a date ("2020/8/28300760迈瑞医疗")
-- or to the decimals of the table cell before ("44.9300782卓胜微"), a code
-- with its exchange after any digits ("7148603658.SH安图生物"), but not
-- the tail of a run of chart digits ("…45005000风华高科")
local CODE_BEFORE = re.compile([[(?:(?<![\d.])]] .. GLUED_CODE .. [[|(\d{6}\.(?:SH|SZ|BJ|OC|NQ))]] ..
  [[|(?:\d{4}[/-]\d{1,2}[/-]\d{1,2}|\.\d{1,2})((?:]] .. A_CODE .. [[)(?:\.(?:SH|SZ))?))\s*$]])

-- The code printed next to name in s (a string or a document), at its first
-- such place: "迈瑞医疗(300760)", "迈瑞医疗 300760.SZ" or, as tables glued by
-- the extraction print it, "300760.SZ迈瑞医疗".  nil when the report prints
-- none.  The code is returned as written (suffix upper-cased).
function M.code_near(s, name)
  local pos = 1
  while true do
    local a, b = find_plain(s, name, pos)
    if not a then return nil end
    local after = CODE_AFTER:match(s, b + 1)
    local code = after and M.ticker(after)
    if code then return code end
    local b1, b2, b3 = CODE_BEFORE:match((window(s, a - 24, a - 1)))
    local before = b1 or b2 or b3
    code = before and M.ticker(before)
    if code then return code end
    pos = b + 1
  end
end

-- ---- rated picks in tables -------------------------------------------------

local POSITIVE = [[买入|增持|强烈推荐|谨慎推荐|审慎推荐|推荐|优于大市|强于大市|跑赢行业|审慎增持|谨慎增持|强推|优于大势|领先大市]]
M.POSITIVE_RATINGS = POSITIVE
-- a heading of a table of picks: 首选股票, 重点公司(基本状况|盈利预测 …), 推荐公司
local PICKS_HEADING = re.compile([[首选股票|重点(?:推荐)?公司|推荐公司|重点关注公司|核心组合|推荐组合]])
-- a row: code then name, or name, numbers, then its rating; a name may
-- start with Latin letters (TCL科技) where a code's exchange suffix or the
-- rating of the row before, not a letter of the name, is glued before it
-- what a row's name follows in text glued by the extraction: a digit, a
-- letter, a bracket or white space, or the rating that ends the row before
-- (or the header's 评级); a name never starts with one of those words
local ROW_WORDS = POSITIVE .. [[|中性|持有|未评级|评级]]
local ROW_NAME = [[((?:(?<=\.SH|\.SZ|\.BJ|\.HK|]] .. ROW_WORDS .. [[)[A-Z]{1,4})?\p{Han}[\p{Han}A-Z]{1,7}?)]]
local PICK_ROW = re.compile([[(?<![\d.])(\d{6}(?:\.(?:SH|SZ|BJ))?)]] .. ROW_NAME .. [[\s*(]] .. POSITIVE ..
  [=[)|(?:(?<=[\d%A-Za-z)\]\s])|(?<=]=] .. ROW_WORDS .. [[))(?!]] .. ROW_WORDS ..
  [[)]] .. ROW_NAME .. [[[\d.,%\s\-+]{8,}+(]] .. POSITIVE .. [[)]])
-- a row of a portfolio's table (核心组合, 推荐组合): code with its exchange,
-- name, then a number ("600276.SH恒瑞医药82.5%"); a portfolio rates no row
-- (a rated row holds a positive rating: a window without one is not
-- searched row by row, which PICK_ROW's look-behind start makes costly)
local ANY_POSITIVE = re.compile(POSITIVE)
local PORTFOLIO = re.compile([[组合]])
local PORTFOLIO_ROW = re.compile([[(\d{6}\.(?:SH|SZ|BJ)|\d{4,5}\.HK)(\p{Han}[\p{Han}A-Z]{1,7}?)(?=[\d\-+])]])
local PICKS_SPAN = 1500       -- bytes after the heading that its rows may take

-- The companies that a table of picks rates positively: after a heading such
-- as 首选股票, 重点公司, 推荐公司 or 核心组合, the rows "600584长电科技买入-B" or
-- "三环集团 63.6 0.50 0.79 1.15 44.58 46.90 35.73 买入" (text extracted from a
-- table, with or without its spaces).  Rows rated otherwise (未评级, 中性) are
-- not picks.  Returns { {name=, code=, pos=}, ... } in order.
function M.table_picks(s)
  local out, seen, pos = {}, {}, 1
  while true do
    local a, b = PICKS_HEADING:find(s, pos)
    if not a then return out end
    local w = window(s, b + 1, b + PICKS_SPAN)
    local rows = PORTFOLIO:test(s:sub(a, b)) and PORTFOLIO_ROW or PICK_ROW
    if rows == PORTFOLIO_ROW or ANY_POSITIVE:test(w) then
      for code, name, _, name2 in rows:gmatch(w) do
        local n = name or name2
        n = n and LEAD_WORD:gsub(n, "")
        if n and NAME_SHAPE:test(n) and not NOT_COMPANY:test(n) and not seen[n] then
          seen[n] = true
          out[#out + 1] = { name = n, code = code and M.ticker(code) or nil, pos = a }
        end
      end
    end
    pos = b + 1 + #w
  end
end

-- ---- a company report's own company ---------------------------------------

-- how often s holds the literal lit, up to cap
local function count(s, lit, cap)
  local n, pos = 0, 1
  while n < cap do
    local _, b = find_plain(s, lit, pos)
    if not b then break end
    n, pos = n + 1, b + 1
  end
  return n
end

-- A name glued to a word before it by the extraction ("研神州数码" from a
-- vertical 公司研究 beside the cover, "股票投资评级数据港"): the longest
-- tail that the report prints elsewhere, when the name itself is printed once.
local function refine(doc, name)
  if count(doc, name, 2) > 1 then return name end
  for k = 1, (utf8.len(name) or 0) - 2 do
    local tail = name:sub(utf8.offset(name, k + 1))
    if count(doc, tail, 2) > 1 then return tail end
  end
  return name
end

local COMPANY_REPORT = re.compile([[公司(?:研究|点评|快报|深度|报告|信息更新|更新|动态|简评|调研|首次覆盖|跟踪)]])
local COVER_RATING = re.compile([[(?:投资评级|股票评级|评级)\s*[:：]?\s*(]] .. POSITIVE ..
  [[)|(]] .. POSITIVE .. [[)\s*(?:-[A-Z]\s*)?(?:\(|\||/)\s*(?:维持|首次|上调|调高|新增)]])
local COVER_BYTES = 4000      -- the head of the report: its cover page

-- A company report's own company, when the report rates it positively: the
-- first "name(code)" on the cover (not inside a 《related report》), on a
-- report whose head says it is a company report (公司研究, 公司点评, 公司快报 …)
-- and rates with a positive rating ("投资评级:买入(维持)", "增持|维持",
-- "优于大市").  Returns {name=, code=, rating=, pos=} or nil.
function M.rated_company(doc)
  local head = window(doc, 1, COVER_BYTES)
  if not COMPANY_REPORT:test(head) then return nil end
  local r1, r2 = COVER_RATING:match(head)
  local rating = r1 or r2
  if not rating then return nil end
  for _, t in ipairs(M.tickers(head)) do
    if not in_title(head, t.first) and NAME_SHAPE:test(t.name) and not NOT_COMPANY:test(t.name) then
      return { name = refine(doc, t.name), code = t.code, rating = rating, pos = t.first }
    end
  end
end

-- Every company a report recommends, once each, in the order found: its own
-- rated company (a company report), the names its advice lists
-- (rr.advice_names) and the positively rated rows of its tables of picks
-- (rr.table_picks).  code: the one next to the name in the advice or on the
-- cover, else the first printed next to the name anywhere (rr.code_near),
-- else nil.  Returns { {name=, code=, pos=}, ... }.
function M.recommendations(doc)
  local out, seen = {}, {}
  -- one company under two spellings, one a character longer (斯达半导 and
  -- 斯达半导体, 京东方 and 京东方A): the first found stands
  local function same(name)
    if seen[name] then return true end
    local short = utf8.len(name) > 2 and name:sub(1, utf8.offset(name, -1) - 1)
    if short and seen[short] then return true end
    for k in pairs(seen) do
      if #k > #name and k:sub(1, #name) == name and utf8.len(k) == utf8.len(name) + 1 then return true end
    end
  end
  local function add(list)
    for _, n in ipairs(list) do
      if not same(n.name) then
        seen[n.name] = true
        n.code = n.code or M.code_near(doc, n.name)
        out[#out + 1] = n
      end
    end
  end
  local codes = M.ticker_map(doc)
  local own = M.rated_company(doc)
  local advice, picks = M.advice_names(doc, codes), M.table_picks(doc)
  local named = {}                  -- every name found, for known_tail
  for _, list in ipairs { own and { own } or {}, advice, picks } do
    for _, n in ipairs(list) do named[n.name] = true end
  end
  for _, list in ipairs { advice, picks } do
    for _, n in ipairs(list) do
      named[n.name] = nil
      n.name = known_tail(n.name, codes, named)
      named[n.name] = true
    end
  end
  if own then add { own } end
  add(advice)
  add(picks)
  return out
end

end
