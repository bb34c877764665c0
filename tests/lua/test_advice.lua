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

T.eq(advice("个股方面,推荐顺序为:甲乙保险(601318.SH)、丙丁人寿(601628.SH)。"), "甲乙保险=601318.SH 丙丁人寿=601628.SH",
  "advice: a label before the list")
T.eq(advice("推荐标的:腾讯控股(0700.HK)、完美世界(002624.SZ),以及网易(NTES.O)和哔哩哔哩(BILI.O)。"),
  "腾讯控股=0700.HK 完美世界=002624.SZ 网易=NTES.O 哔哩哔哩=BILI.O", "advice: 以及 and 和 between names with codes")
T.eq(advice("建议关注iPhone业务占比较高的充电受益公司鹏鼎控股(002938.SZ)、领益智造(002600.SZ)等。"),
  "鹏鼎控股=002938.SZ 领益智造=002600.SZ", "advice: 受益公司, the name after its description")
T.eq(advice("5.4重点跟踪之三环集团:业绩高速增长。5.5重点跟踪之洁美科技:离型膜突破。"), "三环集团 洁美科技",
  "advice: 重点跟踪之 heads a company of its own")
T.eq(advice("稳健组合(排名不分先后,滚动调整)健康元,迈克生物,安图生物。"), "健康元 迈克生物 安图生物",
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

-- ---- codes, tables of picks, company reports ----------------------------------

local s = rr.normalize("我们推荐迈瑞医疗。表1:2020/8/28300760迈瑞医疗医疗器械龙头")
T.eq(rr.code_near(s, "迈瑞医疗"), "300760", "code_near: a code glued after a date before the name")
T.eq(rr.code_near(rr.normalize("首选迈瑞医疗(300760.SZ)。"), "迈瑞医疗"), "300760.SZ", "code_near: in brackets")
T.eq(rr.code_near(rr.normalize("首选迈瑞医疗。"), "迈瑞医疗"), nil, "code_near: none printed")

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

T.done()
