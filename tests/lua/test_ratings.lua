-- test_ratings.lua - rr.ratings and rr.rating_bounds on the shapes real reports print
-- (sample text written for the tests: one-line blocks, aligned and pipe/HTML
-- tables, glosses, preamble horizons, grades that are not ratings).
local T = require "check"
local rr = require "rulerun"

-- "rating horizon lower upper" per row, "-" where empty
local function rows(s, opts)
  local out = {}
  for i, r in ipairs(rr.ratings(rr.normalize(s), opts)) do
    out[i] = table.concat({ r.rating, r.horizon_months or "-", r.lower_pct or "-", r.upper_pct or "-" }, " ")
  end
  return out
end
local function schemes(s)
  local out = {}
  for i, r in ipairs(rr.ratings(rr.normalize(s))) do out[i] = r.scheme end
  return out
end

-- bounds of one definition
local function bounds(d) return { rr.rating_bounds(d) } end
T.eq(bounds("平均回报20%及以上"), { nil, 20 }, "及以上")
T.eq(bounds("行业指数相对基准-5%与 5%"), { nil, -5, 5 }, "与 between two numbers")
T.eq(bounds("股价表现劣于市场指数10%以上"), { nil, nil, -10 }, "劣于: a loss")
T.eq(bounds("未来6个月个股涨跌幅相对基准在15%以上"), { 6, 15 }, "涨跌幅 is not a loss")
T.eq(bounds("预计相对弱于市场表现5%以下"), { nil, nil, -5 }, "弱于…以下: still at most -5")
T.eq(bounds("未来12个月内目标价距离现价涨幅不小于20%"), { 12, 20 }, "不小于")
T.eq(bounds("6个月内相对弱于市场表现5%"), { 6, nil, -5 }, "弱于 X% with no 以上")
T.eq(bounds("未来12个月劣于MSCI中国超过10%"), { 12, nil, -10 }, "劣于…超过")
T.eq(bounds("2021年3月2日股价超越基准"), { nil, nil, nil }, "a date's 3月 is no horizon")
T.eq(bounds("未来6-12个月内涨幅在5%至15%之间"), { 12, 5, 15 }, "6-12个月: the upper end")
T.eq(bounds("报告发布日后 6 到 12 个月内"), { 12 }, "6 到 12 个月")

-- a report whose white space was removed: one line, page furniture glued in,
-- a cover rating first, a second scheme without numbers, statuses after
local stripped = "投资评级：买入（维持）目标价：35元盈利预测与投资评级：我们预计公司收入增长20%以上，维持买入评级。" ..
  "正文……请务必阅读正文之后的免责声明部分12/13[Table_Yemei]公司深度研究" ..
  "投资评级说明股票投资评级说明买入未来6个月内，股价涨幅超越市场基准15%以上。" ..
  "投资评级中所涉及的市场基准：A股市场以沪深300指数为市场基准。增持未来6个月内，股价涨幅超越市场基准5%至15%之间。" ..
  "中性未来6个月内，股价涨幅介于市场基准-5%至5%之间。减持未来6个月内，股价涨幅落后市场基准5%至15%之间。" ..
  "卖出未来6个月内，股价涨幅落后市场基准15%以上。行业投资评级说明优于大势未来6个月内，行业指数的收益超越市场基准。" ..
  "同步大势未来6个月内，行业指数的收益与市场基准持平。落后大势未来6个月内，行业指数的收益落后于市场基准。" ..
  "未评级——由于在报告发出之时该股票不在本公司研究覆盖范围内，未给予投资评级。暂停评级——存在重大不确定性。" ..
  "请务必阅读正文后的声明及说明13/13[Table_PageTop]电子/行业深度[Table_Sales]某某证券股份有限公司网址：http://www.example.cn"
T.eq(rows(stripped), { "买入 6 15 -", "增持 6 5 15", "中性 6 -5 5", "减持 6 -15 -5", "卖出 6 - -15",
  "优于大势 6 - -", "同步大势 6 - -", "落后大势 6 - -" }, "stripped: one line, two schemes, no rows for statuses")
T.eq(schemes(stripped)[1], "股票投资评级", "stripped: scheme")
T.eq(schemes(stripped)[6], "行业投资评级", "stripped: second scheme")
local r1 = rr.ratings(rr.normalize(stripped))[1]
T.eq({ r1.definition, r1.benchmark }, { "未来6个月内,股价涨幅超越市场基准15%以上", "沪深300指数" },
  "stripped: definition cut at its full stop, benchmark from the block")

-- the horizon said once, in the preamble, for a scheme; a range gives its end;
-- colons and ; clauses glued
local preamble = "投资评级和相关定义报告发布日后的12个月内的公司的涨跌幅相对同期的上证指数的涨跌幅为基准；" ..
  "公司投资评级的量化标准买入：相对强于市场基准指数收益率15%以上；增持：相对强于市场基准指数收益率5%～15%；" ..
  "中性：相对于市场基准指数收益率在-5%～+5%之间波动；减持：相对弱于市场基准指数收益率在-5%以下。" ..
  "未评级——由于在报告发出之时该股票不在本公司研究覆盖范围内，未给予投资评级相关信息。" ..
  "行业投资评级的量化标准：看好：相对强于市场基准指数收益率5%以上；中性：相对于市场基准指数收益率在-5%～+5%之间波动；" ..
  "看淡：相对于市场基准指数收益率在-5%以下。暂停评级：由于研究报告发布当时该行业的投资价值分析存在重大不确定性。免责声明本报告……"
T.eq(rows(preamble), { "买入 12 15 -", "增持 12 5 15", "中性 12 -5 5", "减持 12 - -5",
  "看好 12 5 -", "中性 12 -5 5", "看淡 12 - -5" }, "block preamble horizon holds for both schemes")

local per_scheme = "评级标准行业评级体系未来6-12个月，行业指数相对于基准指数推荐：行业指数超越基准指数平均回报20%及以上。" ..
  "谨慎推荐：行业指数超越基准指数平均回报。中性：行业指数与基准指数平均回报相当。回避：行业指数低于基准指数平均回报10%及以上。" ..
  "公司评级体系推荐：指未来3-6个月，公司股价超越所覆盖股票平均回报20%及以上。谨慎推荐：指未来3-6个月，公司股价超越所覆盖股票平均回报10%－20%。"
T.eq(rows(per_scheme), { "推荐 12 20 -", "谨慎推荐 12 - -", "中性 12 - -", "回避 12 - -10",
  "推荐 6 20 -", "谨慎推荐 6 10 20" }, "6-12个月 said once for a scheme; a definition's own horizon")

-- a space-aligned table, two schemes in a left column, English glosses,
-- the horizon in a note after it
local aligned = table.concat({
  "股票投资评级说明",
  "        评级               说明",
  "        买入（Buy）          预计相对强于市场表现 20%以上；",
  "证券评级    增持（outperform）   预计相对强于市场表现 5%～20%；",
  "        中性（Neutral）      预计相对市场表现在－5%～＋5%之间波动；",
  "        减持（underperform） 预计相对弱于市场表现 5%以下。",
  "        看好（overweight）   预计行业超越整体市场表现；",
  "行业评级    中性（Neutral）      预计行业与整体市场表现基本持平；",
  "        看淡（underperform） 预计行业弱于整体市场表现。",
  "备注：评级标准为以报告日后的 6~12 个月内，证券相对于市场基准指数的涨跌幅表现，其中 A 股基准指数为沪",
  "深 300 指数。我们在此提醒您，投资者买入或者卖出证券的决定取决于个人的实际情况。",
}, "\n")
T.eq(rows(aligned), { "买入 12 20 -", "增持 12 5 20", "中性 12 -5 5", "减持 12 - -5",
  "看好 12 - -", "中性 12 - -", "看淡 12 - -" }, "aligned table: glosses dropped, horizon from the note")
T.eq(schemes(aligned), { "股票投资评级", "股票投资评级", "股票投资评级", "股票投资评级", "行业评级", "行业评级", "行业评级" },
  "aligned table: a scheme's label beside its second row holds for its group")

-- a label in a left column, in the middle of its group; three schemes told
-- apart by the ratings going back up
local left_column = table.concat({
  "某某证券投资评级说明",
  "投资评级标准              类型    评级     说明",
  "                          买入     预期个股相对同期基准指数涨幅在 20%以上",
  "报告中投资建议的评级标准：",
  "报告发布日后的 6 个月内的相           增持     预期个股相对同期基准指数涨幅在 10%与 20%之间",
  "                   股票评级",
  "对市场表现。                      回避     预期个股相对同期基准指数涨幅在-10%以下",
  "                          强于大市   预期行业相对同期基准指数涨幅在 10%以上",
  "                 行业评级   弱于大市   预期行业相对同期基准指数涨幅在-10%以下",
  "                          推荐     预期可转债相对同期基准指数涨幅在 10%以上",
  "                 可转债评级   回避     预期可转债相对同期基准指数涨幅在-5%以下",
  "",
  "分析师声明",
}, "\n")
T.eq(rows(left_column), { "买入 6 20 -", "增持 6 10 20", "回避 6 - -10", "强于大市 6 10 -", "弱于大市 6 - -10",
  "推荐 6 10 -", "回避 6 - -5" }, "left column labels: rows")
T.eq(schemes(left_column), { "股票评级", "股票评级", "股票评级", "行业评级", "行业评级", "可转债评级", "可转债评级" },
  "left column labels: schemes")

-- columns side by side: the preamble on the left, the definitions on the right
local columns = table.concat({
  "某某证券投资评级",
  "          投资评级标准                  类别     级别               说明",
  "报告中投资建议所涉及的评级分为股票评                   优于大市   股价表现优于市场代表性指数 10%以上",
  "级和行业评级。评级标准为报告发布日后 6 到 12 个月内        股票     中性    股价表现介于市场代表性指数±10%之间",
  "的相对市场表现。                              投资评级   弱于大市   股价表现弱于市场代表性指数 10%以上",
  "                                         无评级    股价与市场代表性指数相比无明确观点",
  "A 股市场以沪深 300 指数作为基准；                       优于大市   行业指数表现优于市场代表性指数 10%以上",
  "                                         中性    行业指数表现介于市场代表性指数±10%之间",
  "",
  "重要声明",
}, "\n")
T.eq(rows(columns), { "优于大市 12 10 -", "中性 12 -10 10", "弱于大市 12 - -10", "优于大市 12 10 -", "中性 12 -10 10" },
  "columns side by side; 无评级 is no row")

-- a Markdown table, three schemes (a convertible bond one too)
local pipe = table.concat({
  "## 投资评级说明",
  "| 类别 | 评级 | 说明 |",
  "| --- | --- | --- |",
  "| 股票评级 | 买入 | 预期个股相对同期基准指数涨幅在 20%以上 |",
  "| | 增持 | 预期个股相对同期基准指数涨幅在 10%与 20%之间 |",
  "| 行业评级 | 强于大市 | 预期行业相对同期基准指数涨幅在 10%以上 |",
  "| | 弱于大市 | 预期行业相对同期基准指数涨幅在-10%以下 |",
  "| 可转债评级 | 推荐 | 预期可转债相对同期基准指数涨幅在 10%以上 |",
  "| | 回避 | 预期可转债相对同期基准指数涨幅在-5%以下 |",
  "",
  "报告中投资建议的评级标准：报告发布日后的 6 个月内的相对市场表现。",
}, "\n")
T.eq(rows(pipe), { "买入 6 20 -", "增持 6 10 20", "强于大市 6 10 -", "弱于大市 6 - -10", "推荐 6 10 -", "回避 6 - -5" },
  "pipe table, three schemes, horizon after the table")
T.eq(schemes(pipe), { "股票评级", "股票评级", "行业评级", "行业评级", "可转债评级", "可转债评级" }, "pipe table: schemes")

-- an HTML table
local html = "<p>投资评级说明</p><table><tr><th>评级</th><th>说明</th></tr>" ..
  "<tr><td>买入（Buy）</td><td>预期未来 6 个月内股价相对沪深 300 指数涨幅 15%以上</td></tr>" ..
  "<tr><td>增持（Outperform）</td><td>预期未来 6 个月内股价相对沪深 300 指数涨幅介于 5%与 15%之间</td></tr>" ..
  "<tr><td>卖出（Sell）</td><td>预期未来 6 个月内股价相对沪深 300 指数跌幅 5%以上</td></tr></table>"
T.eq(rows(html), { "买入 6 15 -", "增持 6 5 15", "卖出 6 - -5" }, "HTML table")
T.eq(rr.ratings(rr.normalize(html))[1].benchmark, "沪深300指数", "HTML table: benchmark")

-- risk grades and a 关注 that is not a rating; numbered clauses
local grades = "行业评级体系收益评级：领先大市—未来6个月的投资收益率领先沪深300指数10%以上；" ..
  "同步大市—未来6个月的投资收益率与沪深300指数的变动幅度相差-10%至10%；落后大市—未来6个月的投资收益率落后沪深300指数10%以上；" ..
  "风险评级：A—正常风险，未来6个月投资收益率的波动小于等于沪深300指数波动；B—较高风险，未来6个月投资收益率的波动大于沪深300指数波动；" ..
  "风险等级评级低风险宏观经济及政策、国债等方面的研究报告中高风险科创板股票等方面的研究报告分析师声明……"
T.eq(rows(grades), { "领先大市 6 10 -", "同步大市 6 -10 10", "落后大市 6 - -10" }, "risk grades are no rows")
local watch = "某某证券投资评级：类别级别定义股票投资评级强烈推荐股票价格在未来6个月内超越大盘20%以上" ..
  "推荐股票价格在未来6个月内超越大盘10%以上观望股票价格在未来6个月内相对大盘变动幅度为－10%～10%" ..
  "行业投资评级优异行业指数在未来6个月内强于大盘中性行业指数在未来6个月内与大盘持平落后行业指数在未来6个月内弱于大盘" ..
  "关注不作为强烈推荐、推荐、观望的投资评级，提示可能的交易性投资机会免责条款：……"
T.eq(rows(watch), { "强烈推荐 6 20 -", "推荐 6 10 -", "观望 6 -10 10", "优异 6 - -", "中性 6 - -", "落后 6 - -" },
  "no separators at all; 关注 is not a rating")
local numbered = "股票投资评级说明以报告日后的6个月内，证券相对于沪深300指数的涨跌幅为标准，定义如下：" ..
  "1、买入：相对于沪深300指数表现＋20％以上；2、增持：相对于沪深300指数表现＋10％～＋20％；3、减持：相对于沪深300指数表现－10％以下。"
T.eq(rows(numbered), { "买入 6 20 -", "增持 6 10 20", "减持 6 - -10" }, "1、 numbering, full-width signs")
local quoted = "公司评级体系以报告发布日后6-12个月的公司股价涨跌幅相对同期大盘指数涨跌幅为基准：" ..
  "分析师估测“买入”公司股票相对大盘涨幅在10%以上；“持有”公司股票相对大盘涨幅介于-10%到10%之间；“卖出”公司股票相对大盘涨幅低于-10%。"
T.eq(rows(quoted), { "买入 12 10 -", "持有 12 -10 10", "卖出 12 - -10" }, "names in quotes")
local reversed = "证券投资评级：以研究员预测的报告发布之日起6个月内证券的绝对收益为分类标准。" ..
  "30%以上为买入评级；15%-30%为增持评级；-15%-15%为中性评级；-15%以下为减持评级。重要声明……"
T.eq(rows(reversed), { "买入 6 30 -", "增持 6 15 30", "中性 6 -15 15", "减持 6 - -15" }, "threshold before the name")

-- no block: a cover rating, ratings in prose, a list of names
T.eq(rows("投资评级：买入（维持）\n我们预计公司收入增长20%以上，维持买入评级。\n"), {}, "cover rating: no block")
T.eq(rows("评级说明：买入、增持、中性、减持、卖出，详见官网。"), {}, "a list of names is no definition")
T.eq(rows("投资评级说明\n买入：未来6个月内股价相对大盘涨幅15%以上\n本报告仅供参考"), {}, "one definition is no block")
T.eq(rows("买入：未来6个月内股价相对大盘涨幅15%以上"), { "买入 6 15 -" }, "a snippet without a heading is read")
T.eq(rows(stripped, { from = "行业投资评级说明" }), { "优于大势 6 - -", "同步大势 6 - -", "落后大势 6 - -" }, "opts.from")

-- many anchors and no definitions: read once (this would take minutes if
-- each anchor read its window)
local many = string.rep("请参考最后一页评级说明及重要声明投资评级：买入（维持）正文正文正文。", 20000)
T.eq(#rr.ratings(many), 0, "many anchors, no block")
T.eq(#rr.ratings(many .. stripped), 8, "many anchors, the block at the end")

T.done()
