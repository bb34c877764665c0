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

-- names after their number, in lines or inline
T.eq(names("S1234500000001王示例"), "王示例/S1234500000001", "analysts: a name right after its number")
T.eq(names("执业证书编号：S1234500000001 分析师：王示例"), "王示例/S1234500000001", "analysts: 编号：S… 分析师：NAME")
T.eq(names("S1234500000001王示例wangsl@example.com S1234500000002李样本liyb@example.com"),
  "王示例/S1234500000001 李样本/S1234500000002", "analysts: a layout of names after numbers")
T.eq(names("核心观点甲乙丙丁戊分析师SAC执证编号：S1234500000001李样本分析师SAC执证编号：S1234500000002"),
  "李样本/S1234500000002", "analysts: the next number's name is not taken for this one")
T.eq(names("执业证书编号：S1234500000001发布日期：2022年03月12日"), "", "analysts: a label after the number is no name")
T.eq(names("执业证书编号：S1234500000001同比增长5%"), "", "analysts: text after the number is no name")
-- labels, roles and leads of real bylines
T.eq(names("[Table_Contactor]助理分析师陈样本SACNo：S1234500000003chenyb@example.com"), "陈样本/S1234500000003",
  "analysts: 助理分析师 is one role")
T.eq(names("linsl@example.com宋示例(执业证书编号：S1234500000004)021-52520000songsl@example.com"), "宋示例/S1234500000004",
  "analysts: (执业证书编号：")
T.eq(names("柴样本(0755)82560000chai@example.com证券投资咨询业务证书编号：S1234500000005"), "柴样本/S1234500000005",
  "analysts: 证券投资咨询业务证书编号")
T.eq(names("创新器械审批进度慢于预期。维持买入贺示例hesl@example.com15800000000执业证书编号：S1234500000006"),
  "贺示例/S1234500000006", "analysts: the cover's rating glued before the name")
T.eq(names("分析师医药研究团队吴示例wusl@example.comSAC执证编号：S1234500000007"), "吴示例/S1234500000007", "analysts: 研究团队, 执证编号")
T.eq(names("数据来源：万得，某某证券研发中心方示例电子行业首席分析师执业编号：S1234500000008邮箱：fangsl@example.com"),
  "方示例/S1234500000008", "analysts: 研发中心 before, 电子行业首席分析师 after")
T.eq(names("研究团队赵示例,PhD,分析师证书编号：S1234500000009"), "赵示例/S1234500000009", "analysts: PhD")
-- a two-column cover: names, phones and e-mails on lines above their numbers, the other column's text between
local column = "营业收入同比增长，毛利率有所下降，费用率同时下降。"
local cover = column .. "                    证券分析师：张示例                 证券分析师：李样本\n" ..
  column .. "                    021-61760000             021-60870000\n" ..
  "                                   zhangsl@example.com.cn   liyb@example.com.cn\n" ..
  column .. "                    S0980500000001           S0980500000002\n" .. column .. "\n"
local people = {}
for _, a in ipairs(rr.analysts(rr.document(cover))) do people[#people + 1] = a.name .. "/" .. a.sac_id end
T.eq(table.concat(people, " "), "张示例/S0980500000001 李样本/S0980500000002", "analysts: side-by-side numbers under a two-column cover")

-- broker
T.eq(rr.broker("本报告由中国银河证券股份有限公司分发。中国银河证券研究院"), "中国银河证券", "broker: 本报告由 goes")
T.eq(rr.broker("报告版权属于安信证券股份有限公司。安信证券研究中心"), "安信证券", "broker: 版权属于 goes")
T.eq(rr.broker("2016年加入东北证券研究所。本报告由东北证券股份有限公司制作"), "东北证券", "broker: 年加入 goes")
T.eq(rr.broker("华泰证券研究所。曾就职于国信证券研究所。华泰证券股份有限公司"), "华泰证券", "broker: most mentions win")
T.eq(rr.broker("某某证券报道"), nil, "broker: none")
-- a name is a guess unless the report says it twice or as its own
T.eq(rr.broker("莱茵咨询有限公司医药周报。新股：上交所主板：甲乙证券股份有限公司，深交所创业板：丙丁医疗股份有限公司"), nil,
  "broker: one mention in the text is not the publisher")
T.eq(rr.broker("正文。本报告版权归丙丁证券股份有限公司所有，未经许可不得转载"), "丙丁证券", "broker: one mention as the report's own")
T.eq(rr.broker("风险提示戊己证券股份有限公司(以下简称“我公司”)具备证券投资咨询业务资格"), "戊己证券", "broker: (以下简称 …) is its own")
T.eq(rr.broker("图表1：面板价格走势\n来源：Wind，甲乙证券研究所\n注：以上涨跌幅截至3月14日"), "甲乙证券",
  "broker: its research unit once (a chart's source)")
T.eq(rr.broker("资料来源：甲乙证券研究所。…本报告由丙丁证券股份有限公司制作"), nil, "broker: two names once each: unsure")

-- publication date
T.eq(rr.report_date("[Table_Date]发布时间：2021-03-28[Table_Invest]"), "2021-03-28", "report_date: 发布时间 ISO")
T.eq(rr.report_date(string.rep("行业研究正文。", 200) .. "报告发布日期2020年06月08日"), "2020-06-08", "report_date: 发布日期 deep in the text")
T.eq(rr.report_date("证券研究报告2021年4月医药生物。截至2021年3月31日"), nil, "report_date: year and month only")
T.eq(rr.report_date("截至2024年9月18日收盘，行业研究2024年09月19日"), "2024-09-19", "report_date: not the cut-off")
T.eq(rr.report_date("相关报告2020.12.4。" .. string.rep("正文", 100) .. "2020年12月29日创新技术"), "2020-12-29", "report_date: head date, not a related report's")
T.eq(rr.report_date("[Table_Author]#createTime1#2022年07月18日请务必阅读"), "2022-07-18", "report_date: #createTime# tag")
T.eq(rr.report_date("Table_First|Table_ReportDate2019年11月05日Table_First|截止到2019年11月1日"), "2019-11-05",
  "report_date: Table_ReportDate tag")
-- the cover's date: the first date of the head block that stands on its own
local summary = string.rep("行业景气持续回升，龙头公司盈利改善。", 60)       -- a summary column before the side panel
T.eq(rr.report_date(summary .. "电子行业推荐(首次)材料专题报告风险评级：中风险国产替代空间广阔2022年3月7日投资要点：分析师：王某"),
  "2022-03-07", "report_date: a cover date after the summary column")
T.eq(rr.report_date("联系人张某SACNo.S0570500000001重点推荐股票名称股票代码投资评级甲公司000001CH8.52买入资料来源：某某研究预测" ..
  "2022年4月06日│中国内地专题研究2022年3月国内出货量"), "2022-04-06", "report_date: month and day padded unevenly")
T.eq(rr.report_date(rr.normalize("甲公司15.30谨慎增持资料来源：某某研究所股价数据为2016年5月31日收盘价增持——维持日期：2016年6月2日行业：医疗器械")),
  "2016-06-02", "report_date: 日期： after the rating, not the price date")
T.eq(rr.report_date("报告原因：定期报告2022年5月批签发数据跟踪维持评级5月单月批签发增长看好2022年6月18日行业研究/定期报告"),
  "2022-06-18", "report_date: a title's year and month, then the cover's date")
T.eq(rr.report_date("批签发：5月小品种增速较快某某证券研究发展中心2022年5月分析师：王某执业证号：S1250500000001其中，" ..
  "2022年4月静丙批签发量为72万瓶。估值日期：2022年5月9日数据来源：wind"), nil, "report_date: a cover with a year and month only")
T.eq(rr.report_date(rr.normalize("(852)280864382022年6月19日某某国际主题研究")), "2022-06-19", "report_date: glued to a phone number")
T.eq(rr.report_date("行业周报|2022.11.07某某证券研究发展部核心观点"), "2022-11-07", "report_date: a dotted cover date")
T.eq(rr.report_date("周报:关注面板涨价》2022-03-01《周报:存储触底》2022.02.20分析师:王某"), nil, "report_date: related reports' dates")
T.eq(rr.report_date("相关报告\n- 1、功率需求有望重启——2022.06.26\n- 2、看好半导体——2022.06.23\n\n\n正文"), nil,
  "report_date: related reports in lines")
T.eq(rr.report_date(rr.normalize("事件：2022年3月1日，公司发布公告。新规将于2022年7月1日起实施。自2022年1月19日后无记录")), nil,
  "report_date: events in the text")
T.eq(rr.report_date(rr.normalize("投资要点市场行情回顾：本周（2022年3月21日-3月27日）沪指上涨。[Table_Author]2022年03月27日证券分析师")),
  "2022-03-27", "report_date: a range is not the date")
T.eq(rr.date("2024年09月19日"), "2024-09-19", "rr.date unchanged")

-- industry rating
local r, a = rr.industry_rating("# 电子行业周报\n\n## 维持\n强于大市\n\n## 投资要点")
T.eq({ r, a }, { "强于大市", "维持" }, "industry_rating: Markdown head, action first")
r, a = rr.industry_rating("# 电子\n强于大市\n## 首次\n")
T.eq({ r, a }, { "强于大市", "首次" }, "industry_rating: Markdown head, rating first")
r, a = rr.industry_rating("# 机械行业周报\n\n## 维持\n\n强于大市\n\n## 核心观点\n")
T.eq({ r, a }, { "强于大市", "维持" }, "industry_rating: Markdown head, each line a paragraph")
r, a = rr.industry_rating("# 机械\n\n**看好**\n\n**首次**\n\n正文")
T.eq({ r, a }, { "看好", "首次" }, "industry_rating: Markdown head in bold")
r, a = rr.industry_rating("# 机械\n\n## 维持评级\n\n## 强于大市\n")
T.eq({ r, a }, { "强于大市", "维持" }, "industry_rating: Markdown head, 维持评级 first")
T.eq(rr.industry_rating("# 机械\n\n## 强于大市\n\n行业景气回升，维持高增长。\n"), nil, "industry_rating: a rating without an action line")
r, a = rr.industry_rating("[Table_Invest]优于大势上次评级:优于大势[Table_PicQuote]")
T.eq({ r, a }, { "优于大势", "维持" }, "industry_rating: stripped 上次评级")
r, a = rr.industry_rating("行业评级强于大市(维持评级)")
T.eq({ r, a }, { "强于大市", "维持" }, "industry_rating: inline")

T.done()
