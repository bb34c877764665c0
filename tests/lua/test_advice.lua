-- test_advice.lua - rr.risk_items, rr.risks, rr.advice_names, rr.code_near,
-- rr.table_picks, rr.rated_company and rr.recommendations on text written in
-- the styles of real reports: with line breaks, and stripped of all white
-- space with page furniture glued in.
local T = require "check"
local rr = require "rulerun"
local document = require "rulerun.document"

local function doc(s) return assert(document.new(s, "t.txt")) end
local function names(list)
  local out = {}
  for _, n in ipairs(list) do out[#out + 1] = n.name .. (n.code and ("=" .. n.code) or "") end
  return table.concat(out, " ")
end
local function advice(s) return names(rr.advice_names(rr.normalize(s))) end

-- ---- risk items -------------------------------------------------------------

T.eq(rr.risk_items("(1)下游需求不及预期;(2)行业竞争加剧;(3)原材料价格波动。"),
  { "下游需求不及预期", "行业竞争加剧", "原材料价格波动" }, "risk_items: numbered points")
T.eq(rr.risk_items("扩产进度不及预期、下游需求不及预期、海外政策变化风险。"),
  { "扩产进度不及预期", "下游需求不及预期", "海外政策变化风险" }, "risk_items: 、 between whole risks")
T.eq(rr.risk_items("新技术、新工艺无法产业化风险。"), { "新技术、新工艺无法产业化风险" },
  "risk_items: 、 inside one risk is no cut")
T.eq(rr.risk_items("疫情发展超预期,导致终端需求不及预期。"), { "疫情发展超预期,导致终端需求不及预期" },
  "risk_items: a comma before a connective goes on with the same risk")
T.eq(rr.risk_items("AI需求不及预期风险;算力投资放缓风险。"), { "AI需求不及预期风险", "算力投资放缓风险" },
  "risk_items: a Latin word starts an item whole")
T.eq(rr.risk_items("宏观经济下行;行业竞争加剧。分析师声明本报告署名分析师"), { "宏观经济下行", "行业竞争加剧" },
  "risk_items: the list ends at its full stop")
T.eq(rr.risk_items("......................................................35"), {}, "risk_items: a TOC entry is no list")
T.eq(rr.risk_items("本报告仅供本公司客户使用,不构成投资建议,版权归本公司所有。"), {}, "risk_items: legal wording is no list")
T.eq(rr.risk_items(""), {}, "risk_items: empty")

-- a report with lines: the summary's list, not the body's section
local d = doc("投资要点\n行业景气回升。\n风险提示\n需求不及预期；竞争加剧。\n一、行业概览\n正文。\n" ..
              "六、风险提示\n1、需求不及预期：下游客户的资本开支若放缓，将影响公司订单。\n")
T.eq((rr.risks(d)), { "需求不及预期", "竞争加剧" }, "risks: the summary's list")
-- stripped text: the heading glued to the sentence before it
d = doc("我们维持行业推荐评级。风险提示:下游需求不及预期;原材料价格大幅上涨;汇率波动。" ..
        "请务必阅读正文之后的免责声明部分2022年3月1日")
T.eq((rr.risks(d)), { "下游需求不及预期", "原材料价格大幅上涨", "汇率波动" }, "risks: glued heading, list ends at 。")
-- the disclaimer's 风险提示 is no list
d = doc("正文。\n风险提示\n本报告仅供本公司客户使用，不构成投资建议，版权归本公司所有，本公司不承担任何法律责任。\n")
T.eq((rr.risks(d)), {}, "risks: the disclaimer under a risk heading gives nothing")

-- each case: the text under a risk heading, its items, what it shows
for _, c in ipairs {
  -- an item that explains itself after a colon keeps its name
  { "需求不及预期:若下游客户削减开支,订单将减少;竞争加剧:新进入者增多。", { "需求不及预期", "竞争加剧" },
    "the name before a colon" },
  -- a group label before a colon gives the risks after it
  { "1、器械板块:集采降价风险,研发失败风险;2、服务板块:扩张不及预期;医疗事故风险、人才流失风险。", { "集采降价风险", "研发失败风险", "扩张不及预期", "医疗事故风险", "人才流失风险" },
    "group labels before colons" },
  -- numbering that does not count in order is still not part of the item
  { "1)外部需求走弱;2)5G换机不及预期;3)宏观经济下行。", { "外部需求走弱", "5G换机不及预期", "宏观经济下行" },
    "numbering off every item" },
  -- the lead of the sentence
  { "影响本行业的因素主要有竞争加剧风险、人才流失风险、政策风险等。", { "竞争加剧风险", "人才流失风险", "政策风险等" },
    "the sentence's lead goes" },
  -- commas between whole risks, and commas inside one
  { "高估值风险,产品质量问题,海外需求超预期。", { "高估值风险", "产品质量问题", "海外需求超预期" },
    "commas between whole risks, two in three ending like risks" },
  { "需求不及预期的风险,原料涨价的风险,", { "需求不及预期的风险", "原料涨价的风险" },
    "a trailing comma leaves no empty part" },
  { "疫情持续,影响终端需求;汇率波动。", { "疫情持续,影响终端需求", "汇率波动" },
    "影响 goes on with the risk before the comma" },
  { "终端景气度不及预期,元器件涨价不及预期,由于产能不足所导致的供需失衡得到缓解。",
    { "终端景气度不及预期", "元器件涨价不及预期", "由于产能不足所导致的供需失衡得到缓解" },
    "由于 with its own effect is a risk of its own" },
  { "需求不及预期,由于疫情反复。", { "需求不及预期,由于疫情反复" }, "由于 alone gives the reason of the risk before" },
  { "行业竞争加剧;研发进度、市场推广不及预期风险;汽车电子、工控等领域需求不及预期。", { "行业竞争加剧", "研发进度、市场推广不及预期风险", "汽车电子、工控等领域需求不及预期" },
    "、 before a shared ending is no cut" },
  { "贸易摩擦恶化、行业景气下行、消费降级、疫情反复。", { "贸易摩擦恶化", "行业景气下行", "消费降级", "疫情反复" },
    "a short part among whole risks" },
  { "•手机销量下滑•新技术带来替代威胁[Table_Rank]增持(维持)", { "手机销量下滑", "新技术带来替代威胁" },
    "bullets separate items" },
  -- page furniture, headings and tables glued onto the last item
  { "政策变化风险;企业质量管理风险23代码名称2021-01-11评级2020A2021E", { "政策变化风险", "企业质量管理风险" },
    "a page number and a table glued after the last risk" },
  { "研发失败风险;经营管理风险风险提示19李四:毕业于某大学,曾任研究员。", { "研发失败风险", "经营管理风险" },
    "a running heading and a bio glued after the last risk" },
  { "需求下滑风险,产品安全性风险电子行业研究p5某某证券研究报告:电子行业", { "需求下滑风险", "产品安全性风险" },
    "a running header glued, the sector's name before it dropped" },
  { "宏观经济趋弱风险、行业格局恶化风险#title#某某系列报告之一", { "宏观经济趋弱风险", "行业格局恶化风险" },
    "a template tag glued" },
  { "政策风险;技术创新风险;新三板证券研究报告专题研究报告", { "政策风险", "技术创新风险" },
    "an item that is a running header is dropped" },
  { "行业增长不达预期;进口替代低于预期;2019敬请阅读本报告正文后各项声明", { "行业增长不达预期", "进口替代低于预期" },
    "a chart's year is no risk" },
  { "控费降价超预期的风险;高值耗材带量采购的价格分析师张三:010-12345678", { "控费降价超预期的风险" },
    "a last item cut off by the byline is dropped" },
  { "若缺少风险提示,则无法提交。", {},
    "a template's placeholder is no list" },
  { "我公司具备证券投资咨询业务资格。本报告仅供客户参考。", {},
    "legal wording of another form" },
} do
  T.eq(rr.risk_items(c[1]), c[2], "risk_items: " .. c[3])
end

-- the summary's list, though the heading is glued after a name without a full stop
d = doc("建议关注甲乙科技、丙丁电子风险提示:需求不及预期、新品渗透不及预期、海外订单回流不及预期。一、行业概览正文。" ..
        "5.风险提示需求不及预期:若下游需求放缓,将影响出货。新品渗透不及预期:若新品推广受阻,将影响盈利。")
T.eq((rr.risks(d)), { "需求不及预期", "新品渗透不及预期", "海外订单回流不及预期" }, "risks: the first list in the text")
-- a heading in 【】 followed by bullets
d = doc("行业景气回升。【风险提示】•行业增长不达预期;•行业政策不确定性;[Table_Rank]强于大市(维持)正文。")
T.eq((rr.risks(d)), { "行业增长不达预期", "行业政策不确定性" }, "risks: 【风险提示】 and bullets")
-- 主要风险 is not the heading of 主要风险因素
d = doc("行业景气回升。主要风险因素:贸易摩擦加剧的风险,疫情冲击需求的风险。注:本报告所指中国仅为大陆。")
T.eq((rr.risks(d)), { "贸易摩擦加剧的风险", "疫情冲击需求的风险" }, "risks: a heading inside a longer one")
-- points that each end in 。 go on past the first
d = doc("看好龙头公司。风险提示:1、行业景气度下滑。2、制造成本上升。#title#某某周报#createTime1#2021年03月28日")
T.eq((rr.risks(d)), { "行业景气度下滑", "制造成本上升" }, "risks: numbered points each ending in 。")

-- the name before a colon where the item explains itself: full-width
-- colons, as the reports print them, and the name whole though it holds 不及
d = doc("投资建议：维持推荐。\n风险提示：需求不及预期：若下游客户削减资本开支，公司订单将减少；" ..
        "原材料价格波动：若铜价大幅上涨，毛利率承压。\n")
T.eq((rr.risks(d)), { "需求不及预期", "原材料价格波动" }, "risks: the name before a full-width colon, whole")
-- but a label before a colon heading risks that name themselves stays out
d = doc("行业景气回升。风险提示：行业层面：集采降价超预期，竞争格局恶化风险；公司层面：研发失败风险。")
T.eq((rr.risks(d)), { "集采降价超预期", "竞争格局恶化风险", "研发失败风险" },
  "risks: group labels before full-width colons give the risks after them")

-- a bulleted heading that ends in a full stop, in the summary, before the
-- body's section of the same name
d = doc("建议关注甲乙电子、丙丁科技等。◆风险分析。基站建设不及预期风险；贸易摩擦加剧风险。买入(维持)分析师张三" ..
        "正文。4、风险分析需求持续疲软：若下游需求疲软，复苏将不及预期；贸易摩擦加剧风险：若摩擦升级，出口受损。")
T.eq((rr.risks(d)), { "基站建设不及预期风险", "贸易摩擦加剧风险" }, "risks: a bulleted heading ending in 。")
-- two risks between a comma, each saying what causes what
T.eq(rr.risk_items("疫情影响下半年公司业绩，美国制裁导致国内半导体发展放缓。"),
  { "疫情影响下半年公司业绩", "美国制裁导致国内半导体发展放缓" }, "risk_items: two causes between a comma")

-- ---- recommended companies --------------------------------------------------

T.eq(advice("建议关注长电科技(600584.SH)、通富微电(002156.SZ)等。"),
  "长电科技=600584.SH 通富微电=002156.SZ", "advice: names with codes")
T.eq(advice("推荐组合:斯达半导、华虹半导体、华润微、士兰微、新洁能风险提示电动汽车发展不达预期,智能手机销量不达预期。"),
  "斯达半导 华虹半导体 华润微 士兰微 新洁能", "advice: a heading glued after the last name ends the list")
T.eq(advice("相关标的:迈瑞医疗、万孚生物、安图生物、金域医学4、类消费生物药:重点推荐长春高新(000661.SZ)。"),
  "迈瑞医疗 万孚生物 安图生物 金域医学 长春高新=000661.SZ", "advice: the next point's number glued after a name")
T.eq(advice("建议关注PCB、存储等细分赛道的投资机会。"), "", "advice: a list of sectors gives nothing")
T.eq(advice("建议关注消费电子、汽车电子等领域。"), "", "advice: 等领域 is a sector list")
T.eq(advice("我们认为有望登陆科创板的相关公司包括但不限于甲乙生物、丙丁医疗等。"), "",
  "advice: 相关公司 as the object of a phrase recommends nothing")
T.eq(advice("数据来源:相关公司公告、某某证券研究所"), "", "advice: a source line recommends nothing")
T.eq(advice("诊疗需求有望逐季恢复。相关标的:安图生物、迈克生物、健帆生物等。"), "安图生物 迈克生物 健帆生物",
  "advice: 相关标的 as a label")
T.eq(advice("相关研究《建议关注长电科技、通富微电》2021-03-01"), "", "advice: a trigger inside a title counts for nothing")
T.eq(advice("建议关注射频龙头卓胜微、北方华创等龙头。"), "卓胜微 北方华创", "advice: 等龙头 says the list is companies")
T.eq(advice("推荐三环集团和风华高科。"), "三环集团 风华高科", "advice: 和 between two names")

T.eq(advice("个股方面,推荐排序为:甲乙保险(601318.SH)、丙丁人寿(601628.SH)。"), "甲乙保险=601318.SH 丙丁人寿=601628.SH",
  "advice: a label before the list")
T.eq(advice("推荐标的:腾讯控股(0700.HK)、完美世界(002624.SZ),以及网易(NTES.O)和哔哩哔哩(BILI.O)。"),
  "腾讯控股=0700.HK 完美世界=002624.SZ 网易=NTES.O 哔哩哔哩=BILI.O", "advice: 以及 and 和 between names with codes")
T.eq(advice("建议关注iPhone业务占比较高的充电受益公司鹏鼎控股(002938.SZ)、领益智造(002600.SZ)等。"),
  "鹏鼎控股=002938.SZ 领益智造=002600.SZ", "advice: 受益公司, the name after its description")
T.eq(advice("5.4重点跟踪之三环集团:业绩高速增长。5.5重点关注之洁美科技:离型膜突破。"), "三环集团 洁美科技",
  "advice: a heading that names one company known by its ending")
T.eq(advice("5.3重点跟踪之甲乙丙:业绩高速增长。"), "",
  "advice: a heading's one name needs evidence like any list's")
T.eq(advice("成长组合(排名不分先后,滚动调整)健康元,迈克生物,安图生物。"), "健康元 迈克生物 安图生物",
  "advice: a portfolio's note in brackets, names between commas")
T.eq(advice("建议关注:进口替代领域的智立达、卡姆克,微创领域的大正新、天松宝。"),
  "", "advice: names no list gives evidence for")
T.eq(advice("相关标的为通过研发投入、技术突破、有望实现替代的迈瑞医疗(300760.SZ)、开立医疗(300633.SZ)。"),
  "迈瑞医疗=300760.SZ 开立医疗=300633.SZ", "advice: a description over several items before the name")
T.eq(advice("建议关注示例医疗(300001.SZ)。连锁药店重点关注:大参林、一心堂等。推荐大参林(603233.SH)、一心堂(002727.SZ)。"),
  "示例医疗=300001.SZ 大参林 一心堂", "advice: a name another list gives with its code is known")
T.eq(advice("建议关注长电科技、通富微电、华天科技、晶方科技、甲乙丙丁等。"),
  "长电科技 通富微电 华天科技 晶方科技 甲乙丙丁", "advice: most names known, the list is of companies")
T.eq(advice("本报告所提供的意见及推荐并无根据个别投资者的独特需要做出各种证券、金融工具之推荐。"), "",
  "advice: a trigger in the disclaimer")

-- each case: a text, the names advice_names gives for it, what it shows
for _, c in ipairs {
  -- codes in brackets with a rating: the name, and the code without the rating
  { "建议关注中际旭创(300308.SZ,买入)、新易盛(300502.SZ,增持)等光模块龙头。", "中际旭创=300308.SZ 新易盛=300502.SZ",
    "codes in brackets with ratings" },
  { "重点推荐：中际旭创（300308.SZ，买入）、天孚通信（300394.SZ，增持）。", "中际旭创=300308.SZ 天孚通信=300394.SZ",
    "full-width brackets and commas with ratings" },
  -- a name that starts with Latin letters is not cut to its Chinese tail
  { "面板建议关注京东方A(000725.SZ)和TCL科技(000100.SZ)。", "京东方A=000725.SZ TCL科技=000100.SZ",
    "a name starting with Latin letters" },
  -- 及 和 与 join two names, not the parts of a word
  { "建议关注甲乙生物以及丙丁生物。", "甲乙生物 丙丁生物", "以及 between two names" },
  { "建议关注积极参与封测厂商定增、普及率提升的机会。", "", "参与 is no connective" },
  -- a list of sectors or products with a company-like ending gives nothing
  { "建议关注静态电流、动态电路、漏电流等直流参数的测试需求。", "", "等 a kind of things, not of companies" },
  { "重点公司业绩：甲乙光学（2382HK）、丙丁集团（2013HK）将于本周公布业绩。", "",
    "重点公司 heading the week's news recommends nothing" },
  -- a recommending word inside an item: the name after it, or before it
  { "建议关注甲乙光电(300001.SZ)、丙丁通信等光模块龙头;面板推荐戊己显示(000002.SZ)。",
    "甲乙光电=300001.SZ 丙丁通信 戊己显示=000002.SZ", "a trigger inside an item leads into the name" },
  { "重点推荐:甲乙股份、丙丁电子受益标的:戊己科技", "甲乙股份 丙丁电子 戊己科技",
    "a trigger glued after the last name ends the list" },
  { "首推也是独家推荐甲乙仪器;2月5日,我们发布报告。", "甲乙仪器", "a date is no name" },
} do
  T.eq(advice(c[1]), c[2], "advice: " .. c[3])
end
T.eq(names(rr.advice_names(rr.normalize("建议关注示例和科技、甲乙生物。"), { ["示例和科技"] = "300001.SZ" })),
  "示例和科技 甲乙生物", "advice: a name the report prints with its code stays whole, 和 inside it")

-- ---- codes, tables of picks, company reports ----------------------------------

local s = rr.normalize("我们推荐迈瑞医疗。表1:2020/8/28300760迈瑞医疗医疗器械龙头")
T.eq(rr.code_near(s, "迈瑞医疗"), "300760", "code_near: a code glued after a date before the name")
T.eq(rr.code_near(rr.normalize("首选迈瑞医疗(300760.SZ)。"), "迈瑞医疗"), "300760.SZ", "code_near: in brackets")
T.eq(rr.code_near(rr.normalize("首选迈瑞医疗。"), "迈瑞医疗"), nil, "code_near: none printed")
T.eq(rr.code_near(rr.normalize("ST甲乙638574-13%ST甲乙"), "ST甲乙"), nil,
  "code_near: a table's digits glued to a name are no code")
T.eq(rr.code_near(rr.normalize("评级7148603658.SH甲乙生物买入"), "甲乙生物"), "603658.SH",
  "code_near: a code with its exchange after other digits")

T.eq(names(rr.table_picks(rr.normalize("首选股票代码名称评级600584长电科技买入-B002156通富微电中性000001平安银行未评级"))),
  "长电科技=600584", "table_picks: only the positively rated rows")
T.eq(names(rr.table_picks(rr.normalize("重点公司盈利预测代码名称EPSPE评级三环集团63.60.500.791.1544.5846.90买入风华高科21.30.300.450.6070.9047.33增持"))),
  "三环集团 风华高科", "table_picks: name, numbers, rating")

T.eq(names(rr.table_picks(rr.normalize("核心组合(截至04.22)代码公司累计涨幅600276.SH恒瑞医药82.5%603707.SH健友股份139.9%" ..
  "2019.2.15603456.SH九洲药业119.2%"))), "恒瑞医药=600276.SH 健友股份=603707.SH 九洲药业=603456.SH",
  "table_picks: a portfolio's rows need no rating")

d = doc("公司研究|公司点评\n示例科技(688999.SH)\n投资评级：买入（维持）\n相关研究《示例电子(300999)：业绩点评》\n")
local own = rr.rated_company(d)
T.eq(own and (own.name .. "=" .. own.code), "示例科技=688999.SH", "rated_company: the cover's name and code")
d = doc("公司研究|公司点评\n示例科技(688999.SH)\n投资评级：中性（维持）\n")
T.eq(rr.rated_company(d), nil, "rated_company: a neutral rating recommends nothing")
d = doc("行业研究|行业周报\n投资评级：买入（维持）\n示例科技(688999.SH)\n")
T.eq(rr.rated_company(d), nil, "rated_company: not a company report")

d = doc("公司研究\n示例科技(688999.SH)\n投资评级：买入（维持）\n投资建议：建议关注示例科技、长电科技(600584.SH)等。\n")
T.eq(names(rr.recommendations(d)), "示例科技=688999.SH 长电科技=600584.SH", "recommendations: each company once")

-- docs/RULES.md's example of rr.recommendations
d = doc("投资建议：建议关注中际旭创(300308.SZ,买入)、新易盛(300502.SZ,增持)等光模块龙头；面板推荐京东方A和TCL科技。" ..
        "重点公司业绩：甲乙光学(2382HK)将于本周公布业绩。表1：代码名称000100.SZTCL科技买入ST甲乙638574-13%")
T.eq(names(rr.recommendations(d)), "中际旭创=300308.SZ 新易盛=300502.SZ 京东方A TCL科技=000100.SZ",
  "recommendations: codes with ratings, a Latin start, a trigger inside an item, news")

T.done()
