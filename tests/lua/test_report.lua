-- test_report.lua - rr.analysts, rr.broker, rr.report_date and rr.industry_rating
-- on text written in the styles real reports of many brokers print.
local T = require "check"
local rr = require "rulerun"

local function names(s)
  local out = {}
  for _, p in ipairs(rr.analysts(rr.normalize(s))) do out[#out + 1] = p.name .. "/" .. p.sac_id end
  return table.concat(out, " ")
end

-- label words are never names; name before the number, in lines
T.eq(names("分析师：江琦执业证书编号：S0740517010002\n电话：021-20315150"), "江琦/S0740517010002", "analysts: 执业证书编号 not a name")
T.eq(names("马帅分析师SAC执业证书编号：S1450518120001mashuai@example.com.cn齐震分析师SAC执业证书编号：S1450519090003"),
  "马帅/S1450518120001 齐震/S1450519090003", "analysts: inline stripped, two people")
T.eq(names("傅楚雄•:010-66568393•:fucx@example.com分析师登记编码：S0130515010001王恺•:010-66569192"),
  "傅楚雄/S0130515010001", "analysts: 登记编码 not a name, the next person's name not taken")
-- S-number running into a phone number: S + 13 digits
local p = rr.analysts(rr.normalize("证券分析师：吴若飞执业证书编号：S055052003000218110073586wurf@example.cn"))
T.eq(p[1] and p[1].name, "吴若飞", "analysts: runs into a phone number, name")
T.eq(p[1] and p[1].sac_id, "S0550520030002", "analysts: runs into a phone number, first 13 digits")
T.eq(p[1] and p[1].role, "证券分析师", "analysts: role")
-- misprinted length: no row
T.eq(names("分析师：王示例执业证书编号：S055052003000"), "", "analysts: 12 digits is no row")
-- a date glued before the name
T.eq(names("2020年3月6日魏红梅SAC执业证书编号：S0340513040002电话"), "魏红梅/S0340513040002", "analysts: 日 is not part of the name")
-- name on an earlier line of a two-column layout
T.eq(names("分析师：陈耀波\n现出较好的需求增长趋势，同时，\n执业证书号：S0010523060001"), "陈耀波/S0010523060001",
  "analysts: role-prefixed name lines before the number")
T.eq(names("因为 23.8 英寸 执业证书编号：S0270520050001"), "", "analysts: a quantity is not a name")
-- two names glued under two role words: unsure
T.eq(names("分析师联系人张帆陈康S07405150200010531-68889343"), "", "analysts: 分析师联系人张帆陈康 is unsure")
-- name in parentheses style, e-mail after
p = rr.analysts(rr.normalize("分析师：陈海进(S0210524060003)\nchj@example.com.cn"))
T.eq(p[1] and p[1].email, "chj@example.com.cn", "analysts: e-mail after the number")

-- broker
T.eq(rr.broker("本报告由中国银河证券股份有限公司分发。中国银河证券研究院"), "中国银河证券", "broker: 本报告由 goes")
T.eq(rr.broker("报告版权属于安信证券股份有限公司。安信证券研究中心"), "安信证券", "broker: 版权属于 goes")
T.eq(rr.broker("2016年加入东北证券研究所。本报告由东北证券股份有限公司制作"), "东北证券", "broker: 年加入 goes")
T.eq(rr.broker("华泰证券研究所。曾就职于国信证券研究所。华泰证券股份有限公司"), "华泰证券", "broker: most mentions win")
T.eq(rr.broker("某某证券报道"), nil, "broker: none")

-- publication date
T.eq(rr.report_date("[Table_Date]发布时间：2021-03-28[Table_Invest]"), "2021-03-28", "report_date: 发布时间 ISO")
T.eq(rr.report_date(string.rep("行业研究正文。", 200) .. "报告发布日期2020年06月08日"), "2020-06-08", "report_date: 发布日期 deep in the text")
T.eq(rr.report_date("证券研究报告2021年4月医药生物。截至2021年3月31日"), nil, "report_date: year and month only")
T.eq(rr.report_date("截至2024年9月18日收盘，行业研究2024年09月19日"), "2024-09-19", "report_date: not the cut-off")
T.eq(rr.report_date("相关报告2020.12.4。" .. string.rep("正文", 100) .. "2020年12月29日创新技术"), "2020-12-29", "report_date: head date, not a related report's")
T.eq(rr.date("2024年09月19日"), "2024-09-19", "rr.date unchanged")

-- industry rating
local r, a = rr.industry_rating("# 电子行业周报\n\n## 维持\n强于大市\n\n## 投资要点")
T.eq({ r, a }, { "强于大市", "维持" }, "industry_rating: Markdown head, action first")
r, a = rr.industry_rating("# 电子\n强于大市\n## 首次\n")
T.eq({ r, a }, { "强于大市", "首次" }, "industry_rating: Markdown head, rating first")
r, a = rr.industry_rating("[Table_Invest]优于大势上次评级:优于大势[Table_PicQuote]")
T.eq({ r, a }, { "优于大势", "维持" }, "industry_rating: stripped 上次评级")
r, a = rr.industry_rating("行业评级强于大市(维持评级)")
T.eq({ r, a }, { "强于大市", "维持" }, "industry_rating: inline")

T.done()
