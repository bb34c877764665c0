-- test_stdlib.lua - the report helpers of the rulerun module.
local T = require "check"
local rr = require "rulerun"

T.eq(rr.split_names("寒武纪、海光信息、龙芯中科、盛科通信等。"), { "寒武纪", "海光信息", "龙芯中科", "盛科通信" }, "、 and 等")
T.eq(rr.split_names("中际旭创，工业富联,新易盛；天孚通信"), { "中际旭创", "工业富联", "新易盛", "天孚通信" }, "commas and ;")
T.eq(rr.split_names("海光信息及寒武纪"), { "海光信息", "寒武纪" }, "及")
T.eq(rr.split_names("中芯国际和华虹半导体等"), { "中芯国际", "华虹半导体" }, "和 and 等")
T.eq(rr.split_names("和而泰、中和"), { "和而泰", "中和" }, "和 inside a short name stays")
T.eq(rr.split_names("**长电科技**、通富微电 等；"), { "长电科技", "通富微电" }, "markup and trailing 等")
T.eq(rr.split_names(""), {}, "empty")
-- 及 和 与 are conjunctions only where they are words of their own
T.eq(rr.split_names("AI需求不及预期风险"), { "AI需求不及预期风险" }, "不及 is not a conjunction")
T.eq(rr.split_names("下游需求不及预期、原材料价格波动"), { "下游需求不及预期", "原材料价格波动" }, "不及 inside an item of a list")
T.eq(rr.split_names("海光信息以及寒武纪"), { "海光信息", "寒武纪" }, "以及 is one conjunction")
T.eq(rr.split_names("甲乙科技和丙丁电子及戊己股份等"), { "甲乙科技", "丙丁电子", "戊己股份" }, "two conjunctions in one part")
T.eq(rr.split_names("参与方与合作方"), { "参与方", "合作方" }, "参与 is a word, the second 与 a conjunction")
T.eq(rr.split_names("渗透率普及与价格下降"), { "渗透率普及", "价格下降" }, "普及 is a word")
T.eq(rr.split_names("显示器件饱和度提升"), { "显示器件饱和度提升" }, "饱和 is a word")
T.eq(rr.split_names("甲乙科技 和 丙丁电子"), { "甲乙科技", "丙丁电子" }, "spaces around a conjunction")

T.eq(rr.date("2024年09月19日"), "2024-09-19", "date 年月日")
T.eq(rr.date("发布于 2024 年 6 月 26 日"), "2024-06-26", "date with spaces")
T.eq(rr.date("2024年 9月 5日"), "2024-09-05", "date padded")
T.eq(rr.date("2024-06-26"), "2024-06-26", "ISO")
T.eq(rr.date("2024/6/26"), "2024-06-26", "slashes")
T.eq(rr.date("——2024.09.18"), "2024-09-18", "dots")
T.eq(rr.date("2024年13月40日 2023年1月2日"), "2023-01-02", "invalid dates skipped")
T.eq(rr.date("9月 18 日"), nil, "no year, no date")
T.eq(rr.asof_date("注:以上市值、涨跌幅信息截至北京时间 2024 年 9月 18 日"), "2024-09-18", "截至")
T.eq(rr.asof_date("截止 2024年1月2日收盘"), "2024-01-02", "截止")
T.eq(rr.asof_date("2024年1月2日"), nil, "no 截至")
local doc = rr.document("头\n数据截至 2024 年 8月 28 日\n")
T.eq(rr.asof_date(doc), "2024-08-28", "asof_date on a document")

T.eq({ rr.rating_bounds("未来 6个月内,个股相对市场基准指数指数涨幅在 20%以上") }, { 6, 20 }, "以上")
T.eq({ rr.rating_bounds("未来 6个月内,个股相对市场基准指数涨幅介于 10%与 20%之间") }, { 6, 10, 20 }, "介于")
T.eq({ rr.rating_bounds("未来 6个月内,行业整体回报介于市场基准指数-5%与 5%之间") }, { 6, -5, 5 }, "介于 with words between")
T.eq({ rr.rating_bounds("未来 6个月内,个股相对市场基准指数涨幅在-20%以下") }, { 6, nil, -20 }, "以下")
T.eq({ rr.rating_bounds("未来12个月内,相对沪深300涨幅5%—15%") }, { 12, 5, 15 }, "range with dash")
T.eq({ rr.rating_bounds("未来 6 个月内,相对收益 −10% 以下") }, { 6, nil, -10 }, "unicode minus")
T.eq(rr.number("1,689"), 1689, "number with separators")
T.eq(rr.number("-5.33%"), -5.33, "percent")
T.eq(rr.number("−3"), -3, "unicode minus")
T.eq(rr.number("+2.5"), 2.5, "plus sign")
T.eq(rr.number("5.2亿"), 520000000, "亿")
T.eq(rr.number("3万"), 30000, "万")
T.eq(rr.number("n/a"), nil, "not a number")
T.eq(rr.join_lines("ChatGPT周访问量突破 9亿,“精度感知”Scaling\nLaw再引关注-算力周跟踪"),
     "ChatGPT周访问量突破 9亿,“精度感知”Scaling Law再引关注-算力周跟踪", "join_lines: words keep a space")
T.eq(rr.join_lines({ "开启强化学习新范式-", "", "算力周跟踪" }), "开启强化学习新范式-算力周跟踪", "join_lines: CJK")
local people = rr.analysts(rr.normalize(
  "分析师：陈海进(S0210524060003)\nchj30590@hfzq.com.cn\n联系人：李雅文（S0210124040076）\n" ..
  "张三 执业证书编号：S1234567890123 邮箱：zhang@example.com\n陈海进(S0210524060003)"))
T.eq(#people, 3, "analysts: each SAC number once")
T.eq(people[1], { role = "分析师", name = "陈海进", sac_id = "S0210524060003", email = "chj30590@hfzq.com.cn" }, "analyst")
T.eq(people[2], { role = "联系人", name = "李雅文", sac_id = "S0210124040076", email = "" }, "contact without e-mail")
T.eq(people[3], { role = "", name = "张三", sac_id = "S1234567890123", email = "zhang@example.com" }, "证书编号 form")
T.eq({ rr.industry_rating("强于大市 (维持评级)") }, { "强于大市", "维持" }, "industry rating")
T.eq({ rr.industry_rating(rr.normalize("增持（维持）")) }, { "增持", "维持" }, "full-width parentheses")
T.eq({ rr.industry_rating("看好(首次)") }, { "看好", "首次" }, "首次")
T.eq(rr.industry_rating("强于大市 未来 6个月内"), nil, "a definition is no rating")
T.eq({ rr.industry_rating("(维持)看好(首次)") }, { "看好", "首次" }, "industry rating: an action without a rating is passed over")
T.eq(rr.broker(rr.normalize("发布:\n华福证券有限责任公司研究所\n本报告版权归华福证券有限责任公司所有")), "华福证券",
  "broker: 有限责任公司")
T.eq(rr.broker("证券研究所\n本报告仅供国泰君安证券股份有限公司的客户使用"), "国泰君安证券", "broker: leading words (本报告仅供) dropped")
T.eq(rr.broker("某某证券报道"), nil, "broker: none")
-- the anchored helpers see names whose anchor comes late in a long text, and the same in a document
local long = string.rep("这是一段很长的正文。", 2000) .. "分析师：王五 S0000000000001\n推荐寒武纪(688256.SH)"
T.eq(rr.analysts(long)[1].name, "王五", "analysts: anchor far into the text")
T.eq(rr.analysts(rr.document(long))[1].name, "王五", "analysts: same in a document")
T.eq(rr.tickers(rr.document(long))[1].name, "寒武纪", "tickers: same in a document")
T.eq(rr.tickers("甲乙(600519)")[1].name, "甲乙", "tickers: name at the very start")
T.eq(rr.trim("  a b \n"), "a b", "trim")
T.eq(rr.trim("\u{3000}\t中 文\u{A0}\u{3000}"), "中 文", "trim: wide and no-break spaces at both ends")
T.eq({ rr.trim(""), rr.trim(" \n\u{2003} "), rr.trim("x") }, { "", "", "x" }, "trim: empty, all space, nothing to do")
T.eq(rr.trim("末尾\u{300}"), "末尾\u{300}", "trim: a combining mark is not space")
T.eq(rr.strip_markup("**国产算力链**"), "国产算力链", "strip_markup")

-- dates in every common form
for _, c in ipairs {
  { "2024年9月19日", "2024-09-19" }, { "2024 年 09 月 19 日", "2024-09-19" }, { "发布于 20240919", "2024-09-19" },
  { "二〇二四年九月十九日", "2024-09-19" }, { "Sep 19, 2024", "2024-09-19" }, { "September 19th 2024", "2024-09-19" },
  { "19 September 2024", "2024-09-19" }, { "2024.09.19", "2024-09-19" }, { "2024/9/19", "2024-09-19" },
  { "2024-9-19", "2024-09-19" }, { "二〇二四年十二月三十一日", "2024-12-31" } } do
  T.eq(rr.date(c[1]), c[2], "date " .. c[1])
end
T.eq(rr.date("代码 20241399 不是日期"), nil, "an 8-digit number with month 13 is no date")
T.eq({ rr.date("见 2024-13-01 与 2024-06-01") }, { "2024-06-01", 20, 29 }, "invalid dates are skipped; positions")
T.eq(rr.date("1,689.20240919%"), nil, "digits inside a number are no date")
T.eq(rr.cn_number("二十一"), 21, "cn_number")
T.eq(rr.cn_number("十"), 10, "cn_number ten")
T.eq(rr.number("—3.2"), -3.2, "em dash minus")
T.eq(rr.number("(1,234)"), -1234, "accounts negative")
T.eq(rr.number("5.2亿元"), 520000000, "亿元")
T.eq(rr.number("+12pct"), 12, "pct")

-- rating definitions
local function bounds(d) return { rr.rating_bounds(d) } end
T.eq(bounds("未来6个月内，个股相对沪深300指数涨幅在15%以上"), { 6, 15 }, "以上")
T.eq(bounds("相对跌幅5%以上"), { nil, nil, -5 }, "相对跌幅: a loss")
T.eq(bounds("未来12个月内,股价表现介于-5%与5%之间"), { 12, -5, 5 }, "介于…之间")
T.eq(bounds("相对表现在±5%之间"), { nil, -5, 5 }, "±")
T.eq(bounds("未来六个月内涨幅5%—15%"), { 6, 5, 15 }, "range with a dash, Chinese horizon")
T.eq(bounds("跌幅在5%-15%之间"), { nil, -15, -5 }, "loss range")
T.eq(bounds("未来一年超越基准10%以上"), { 12, 10 }, "超越, a year")
T.eq(bounds("落后基准10%以上"), { nil, nil, -10 }, "落后")
T.eq(bounds("行业整体回报低于市场基准指数-5%以下"), { nil, nil, -5 }, "signed number wins over 低于")
T.eq(rr.benchmark("相对同期沪深300指数涨幅"), "沪深300指数", "benchmark")
T.eq(rr.benchmark("沪深300指数;恒生指数", 10), "恒生指数", "benchmark from init")
local defs = rr.ratings(rr.normalize(table.concat({
  "正文提到买入评级。",
  "投资评级说明",
  "股票投资评级：",
  "买入：预期未来12个月内，个股相对同期沪深300指数涨幅在15%以上；增持：预期未来12个月内，个股相对同期沪深300",
  "指数涨幅介于5%~15%之间；",
  "中性：预期未来12个月内，个股相对同期沪深300指数涨幅介于-5%~5%之间；",
  "行业投资评级：",
  "看好\t预期未来12个月内，行业指数相对沪深300指数涨幅在10%以上",
  "| 看淡 | 预期未来12个月内，行业指数相对跌幅10%以上 |",
  "本报告仅供参考。",
}, "\n")))
T.eq(#defs, 5, "ratings: five definitions")
T.eq(defs[2], { scheme = "股票投资评级", rating = "增持", definition = "预期未来12个月内,个股相对同期沪深300指数涨幅介于5%~15%之间",
                horizon_months = 12, lower_pct = 5, upper_pct = 15, benchmark = "沪深300指数" }, "; clauses, wrapped line joined")
T.eq({ defs[4].scheme, defs[4].rating, defs[4].lower_pct }, { "行业投资评级", "看好", 10 }, "tab row, scheme switch")
T.eq({ defs[5].rating, defs[5].upper_pct }, { "看淡", -10 }, "markdown row, loss")
T.eq(#rr.ratings("推荐 未来6个月内涨幅15%以上\n谨慎推荐 未来6个月内涨幅5%~15%"), 2, "no block heading: whole text")
T.eq(rr.ratings("谨慎推荐 未来6个月内涨幅5%~15%")[1].rating, "谨慎推荐", "longest rating name")

-- tickers the report gives itself
T.eq({ rr.ticker("600519.sh") }, { "600519.SH", "SH" }, "A share, lower case")
T.eq({ rr.ticker("600519") }, { "600519", "A" }, "bare A share")
T.eq({ rr.ticker("0700.HK") }, { "0700.HK", "HK" }, "HK")
T.eq({ rr.ticker("NVDA.O") }, { "NVDA.O", "US" }, "US")
T.eq({ rr.ticker("005930.KS") }, { "005930.KS", "KS" }, "Korea")
T.eq({ rr.ticker("2330.TW") }, { "2330.TW", "TW" }, "Taiwan")
T.eq({ rr.ticker("000725 CH") }, { "000725 CH", "CH" }, "Bloomberg")
T.eq(rr.ticker("1,689"), nil, "not a code")
local tk = rr.tickers(rr.normalize("我们重点推荐乐鑫科技(688018)、贵州茅台（600519.SH）和腾讯控股(0700.HK, 买入)，以及NVIDIA (NVDA.O)；京东方A(000725 CH)。推荐和而泰(002402)"))
local got = {}
for _, t in ipairs(tk) do got[#got + 1] = t.name .. "=" .. t.code end
T.eq(got, { "乐鑫科技=688018", "贵州茅台=600519.SH", "腾讯控股=0700.HK", "NVIDIA=NVDA.O", "京东方A=000725 CH", "和而泰=002402" },
  "tickers: lead words and connectors off, 和而泰 kept")
local map = rr.ticker_map(rr.document("关注海光信息(688041)"), { header = { "公司", "代码" }, rows = { { "寒武纪", "688256.SH" } } })
T.eq(map, { ["寒武纪"] = "688256.SH", ["海光信息"] = "688041" }, "ticker_map: table and text")

-- lists inside a paragraph
local items, lead = rr.numbered(rr.normalize("风险提示：（1）需求不及预期；（2）竞争加剧(2024年)；（3）政策风险。"))
T.eq(items, { "需求不及预期", "竞争加剧(2024年)", "政策风险" }, "numbered (1)")
T.eq(lead, "风险提示:", "the lead")
T.eq(rr.numbered(rr.normalize("第一，算力需求旺盛；第二，国产替代加速；第三，估值合理。")), { "算力需求旺盛", "国产替代加速", "估值合理" }, "第一,")
T.eq(rr.numbered("①A股;②港股;④跳过"), { "A股", "港股;④跳过" }, "circled, in order only")
T.eq(rr.numbered("一是降本，二是增效。"), { "降本", "增效" }, "一是")
T.eq(rr.numbered("1、芯片；2、设备；"), { "芯片", "设备" }, "1、")
local lists = rr.sector_lists(rr.normalize("存储板块关注兆易创新、澜起科技等；算力：寒武纪、海光信息及龙芯中科等。建议关注设备方向的北方华创"))
T.eq(lists, { { sector = "存储", names = { "兆易创新", "澜起科技" } },
              { sector = "算力", names = { "寒武纪", "海光信息", "龙芯中科" } } }, "sector_lists: both shapes")

-- risk section: the disclaimer headed 风险提示 is not the risk list
local trap = rr.document(table.concat({ "投资要点", "风险提示", "本报告仅供参考，不构成投资建议。投资者应自行判断，本公司不承担法律责任。",
  "主要风险", "1. 需求不及预期；", "2. 竞争加剧。" }, "\n"))
T.eq(rr.risk_section(trap).heading, "主要风险", "risk_section skips the disclaimer")
T.eq(rr.risk_section(rr.document("风险提示：需求不及预期；竞争加剧。")).inline, "需求不及预期;竞争加剧。", "inline risks")

-- find_table: a space-aligned table comes from the original bytes
local spaced = rr.document("表1\n公司      代码         PE\n贵州茅台  600519.SH    22.1\n五粮液    000858.SZ    １６.4\n")
local ft = rr.find_table(spaced, "代码")
T.eq({ ft.shape, ft.rows[2][3] }, { "space", "16.4" }, "find_table: space shape, cells normalised")
T.eq(rr.find_table(spaced, "市值"), nil, "find_table: none")

-- column: a table's columns by header, wherever they are
T.eq({ rr.column(ft, "代码"), rr.column(ft, "公司"), rr.column(ft, "^PE$") }, { 2, 1, 3 }, "column: by header")
T.eq(rr.column(ft, "市值"), nil, "column: none")
local twice = rr.tables.parse("涨幅(本周)\t代码\t涨幅(本月)\n1%\t600519\t2%\n")
T.eq(rr.column(twice, "涨幅"), 1, "column: the first that matches")
T.eq(rr.column(twice, "本月"), 3, "column: a pattern, not the whole cell")
T.eq(rr.column({ header = {}, rows = {} }, "代码"), nil, "column: an empty header")
T.raises(function() rr.risk_section(trap, { max_lnes = 2 }) end,
  "rr.risk_section: unknown option 'max_lnes' (did you mean 'max_lines'?", "risk_section's options are checked")
T.done()
