"""Fixed words of the generated records: industries and business scopes, company types and
statuses, banks, and the reasons, violations and sentences written in list entries,
penalties and events (texts as the publicity system and the courts word them)."""

from __future__ import annotations

INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("科技", "计算机软硬件技术开发；技术咨询；技术服务；技术转让"),
    ("信息技术", "信息系统集成服务；信息技术咨询服务；数据处理和存储支持服务"),
    ("网络科技", "网络技术开发；互联网信息服务；网页设计；计算机系统服务"),
    ("电子科技", "电子产品的研发与销售；电子元器件制造；集成电路设计"),
    ("生物科技", "生物技术推广服务；生物制品研发；技术进出口"),
    ("医药科技", "医药技术开发；第一类医疗器械销售；保健食品销售"),
    ("新能源科技", "太阳能发电技术服务；储能技术服务；电池销售"),
    ("智能科技", "人工智能应用软件开发；智能机器人研发；物联网技术服务"),
    ("贸易", "国内贸易；货物进出口；技术进出口；日用百货销售"),
    ("商贸", "五金产品批发；建筑材料销售；服装服饰批发；日用品销售"),
    ("进出口", "货物进出口；技术进出口；进出口代理；国际货物运输代理"),
    ("实业", "以自有资金从事投资活动；物业管理；非居住房地产租赁"),
    ("投资", "以自有资金从事投资活动；企业管理咨询；财务咨询"),
    ("投资控股", "投资管理；资产管理；股权投资；企业总部管理"),
    ("供应链管理", "供应链管理服务；国内货物运输代理；仓储服务"),
    ("物流", "普通货物仓储服务；道路货物运输；装卸搬运；国际货物运输代理"),
    ("建筑工程", "建设工程施工；建筑劳务分包；市政设施管理"),
    ("建材", "建筑材料销售；水泥制品销售；建筑用石加工"),
    ("装饰工程", "住宅室内装饰装修；建筑装饰材料销售；园林绿化工程施工"),
    ("房地产开发", "房地产开发经营；房地产经纪；住房租赁"),
    ("物业管理", "物业管理；停车场服务；家政服务；城市绿化管理"),
    ("餐饮管理", "餐饮服务；餐饮管理；食品销售；外卖递送服务"),
    ("食品", "食品生产；食品销售；农副产品销售；食用农产品批发"),
    ("文化传媒", "组织文化艺术交流活动；广告设计、代理；影视策划"),
    ("广告", "广告制作；广告发布；广告设计、代理；平面设计"),
    ("教育科技", "教育咨询服务；软件开发；组织文化艺术交流活动"),
    ("咨询", "信息咨询服务；市场调查；会议及展览服务"),
    ("企业管理咨询", "企业管理咨询；商务信息咨询；企业形象策划"),
    ("人力资源", "人力资源服务；劳务派遣服务；职业中介活动"),
    ("汽车销售服务", "汽车销售；汽车零配件零售；机动车修理和维护"),
    ("机械设备", "通用设备制造；机械设备销售；机械设备租赁"),
    ("电子", "电子元器件与机电组件设备销售；电子专用设备制造"),
    ("服装", "服装制造；服装服饰零售；针纺织品销售"),
    ("环保科技", "环境保护专用设备销售；水污染治理；固体废物治理"),
    ("农业发展", "谷物种植；蔬菜种植；农业专业及辅助性活动"),
    ("医疗器械", "第二类医疗器械销售；医疗设备租赁；医护人员防护用品生产"),
    ("化工", "化工产品销售；专用化学产品制造；塑料制品销售"),
    ("金属制品", "金属制品研发；金属结构制造；有色金属合金销售"),
    ("塑胶制品", "塑料制品制造；橡胶制品销售；模具制造"),
    ("印刷", "包装装潢印刷品印刷；文件、资料等其他印刷品印刷"),
    ("家具", "家具制造；家具销售；家具安装和维修服务"),
    ("酒店管理", "酒店管理；住宿服务；餐饮服务；会议及展览服务"),
    ("旅游", "旅游业务；旅行社服务网点旅游招徕、咨询服务；票务代理服务"),
    ("电子商务", "互联网销售；电子商务平台运营；品牌管理"),
    ("软件", "软件开发；软件销售；信息系统运行维护服务"),
    ("通信技术", "通信设备制造；5G通信技术服务；通信工程施工"),
    ("光电科技", "光电子器件制造；照明器具销售；显示器件制造"),
    ("能源", "石油制品销售；合同能源管理；燃气经营"),
)
"""Per industry: the word in enterprise names and the business scope (SCOPE_TAIL appended)."""
SCOPE_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"

BRAND_CHARS = (
    "华信达通泰鑫博瑞宏远恒昌盛源兴隆丰汇利嘉德安康中天海宇正新辰创智佳明晟耀腾飞祥和美誉卓越"
    "凯旋云锦永春金银龙凤亿万富国民联合众诚东方光辉星晨阳圆立鼎峰汉唐宋清风雅颂乐知行思景致"
    "力途捷迅领航启拓展百川千里蓝图绿洲河骏鹏程科弘毅坤乾元亨贞益荣华彩泽润霖沣洋洪澜涛江湖"
    "山岳松柏梅兰竹菊嘉禾稷穗粤蜀楚湘闽浙吴越齐鲁燕赵晋秦陇豫皖赣桂滇黔琼川渝鸿雁羽翔宸睿哲"
)
"""Characters of the brand (字号) part of enterprise names."""

TYPE_NAMES: tuple[str, ...] = (
    "有限责任公司（自然人投资或控股）",  # persons
    "有限责任公司（自然人独资）",  # one person
    "有限责任公司（法人独资）",  # one enterprise
    "其他有限责任公司",  # enterprise/state + persons, or cross-holding
    "股份有限公司（非上市、自然人投资或控股）",  # joint stock, persons
    "有限合伙企业",  # partnership
    "有限责任公司（国有独资）",  # state
    "其他股份有限公司（非上市）",  # joint stock with an enterprise holder
    "股份有限公司分公司（上市、国有控股）",  # bank branch (state bank)
    "股份有限公司分公司（上市）",  # bank branch
    "股份有限公司（上市）",  # bank head office
)
"""Company types; the codes below index this tuple."""
(T_PERSONS, T_SOLE_PERSON, T_SOLE_CORPORATE, T_OTHER_LLC, T_JOINT_STOCK, T_PARTNERSHIP,
 T_STATE, T_JOINT_STOCK_CORPORATE, T_BANK_BRANCH_SOE, T_BANK_BRANCH, T_BANK_HEAD) = range(11)

STATUS_NAMES: tuple[str, ...] = ("存续", "在业", "吊销", "注销", "迁出", "撤销")
"""Registration statuses; the codes below index this tuple."""
S_ACTIVE, S_OPEN, S_REVOKED, S_DEREGISTERED, S_MOVED, S_CANCELLED = range(6)

CURRENCIES = ("CNY", "USD")

NATIONAL_BANKS: tuple[tuple[str, bool], ...] = (
    ("中国工商银行股份有限公司", True), ("中国建设银行股份有限公司", True),
    ("中国农业银行股份有限公司", True), ("中国银行股份有限公司", True),
    ("交通银行股份有限公司", True), ("招商银行股份有限公司", False),
    ("上海浦东发展银行股份有限公司", False), ("中信银行股份有限公司", False),
    ("中国民生银行股份有限公司", False), ("兴业银行股份有限公司", False),
    ("平安银行股份有限公司", False), ("中国光大银行股份有限公司", False),
    ("华夏银行股份有限公司", False), ("广发银行股份有限公司", False),
    ("中国邮政储蓄银行股份有限公司", True),
)
CITY_BANKS: tuple[tuple[str, int], ...] = (
    ("北京银行股份有限公司", 2), ("上海银行股份有限公司", 3), ("宁波银行股份有限公司", 18),
    ("江苏银行股份有限公司", 5), ("杭州银行股份有限公司", 4),
)
"""National banks (name, state-owned) have a branch in one of the first six cities;
city banks (name, index in CITIES) have their head office there."""

ABNORMAL_REASONS: tuple[tuple[str, str, float], ...] = (
    ("通过登记的住所或者经营场所无法联系",
     "通过登记的住所或者经营场所可以重新取得联系，申请移出", 0.55),
    ("未依照《企业信息公示暂行条例》规定的期限公示年度报告",
     "补报未报年份的年度报告并公示，申请移出", 0.35),
    ("公示企业信息隐瞒真实情况、弄虚作假", "更正其公示的信息，申请移出", 0.04),
    ("未在市场监督管理部门依照《企业信息公示暂行条例》责令的期限内公示有关企业信息",
     "依照规定履行公示义务，申请移出", 0.06),
)
"""Abnormal-operations listings: (reason, removal reason, share of listings)."""
ABNORMAL_NO_ANNUAL_REPORT = 1
"""The abnormal-operations reason that, unresolved for three years, escalates."""
SERIOUS_ILLEGAL_REASONS: tuple[str, ...] = (
    "被列入经营异常名录届满3年仍未履行相关义务",  # 0 escalation (2014 text)
    "公示企业信息隐瞒真实情况、弄虚作假",  # 1 false disclosure
    "提交虚假材料或者采取其他欺诈手段隐瞒重要事实，取得公司登记，被撤销公司登记",  # 2
    "组织策划传销",  # 3
    "因食品安全违法行为受到较重行政处罚",  # 4 other grounds (SAMR Order 44)
    "因不正当竞争违法行为受到较重行政处罚",  # 5
    "拒不执行市场监督管理部门作出的行政处罚决定",  # 6
)
"""Serious-illegal listing reasons; the reason codes of the plan index this tuple."""
REVOKE_REASONS = (
    "成立后无正当理由超过6个月未开业，或者开业后自行停业连续6个月以上",
    "连续两年未按规定报送年度报告",
    "利用公司名义从事危害国家安全、社会公共利益的严重违法行为",
)
CLOSE_REASONS = (
    ("违反环境保护法律法规，被责令关闭", "生态环境局"),
    ("存在重大事故隐患拒不整改，被责令关闭", "应急管理局"),
)
"""Ordered closures: (reason, the city office that orders it)."""
DEREG_REASONS = ("决议解散", "简易注销", "股东会决议解散")
VIOLATIONS: tuple[tuple[str, str], ...] = (
    ("虚假广告", "发布虚假广告"),
    ("销售不合格产品", "销售不合格产品"),
    ("无照经营", "从事无证无照经营"),
    ("不正当竞争", "实施混淆行为"),
    ("价格违法", "不明码标价"),
    ("食品安全违法", "经营超过保质期的食品"),
    ("商标侵权", "销售侵犯注册商标专用权的商品"),
    ("未按规定公示信息", "隐瞒真实情况、弄虚作假公示企业信息"),
    ("计量违法", "使用不合格计量器具"),
)
"""Penalties: (violation type, what the decision says was done)."""
COLLATERAL = (
    "生产设备一批", "数控机床若干台", "原材料及库存商品", "机动车辆", "办公设备一批",
    "成品及半成品存货", "注塑机及配套模具", "运输车辆及工程机械", "仓储货物",
    "医疗设备一批", "电子元器件库存",
)
DEBTOR_REASONS = (
    "有履行能力而拒不履行生效法律文书确定义务",
    "违反财产报告制度",
    "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    "违反限制消费令",
)
DEBTOR_REMOVALS = ("全部履行完毕", "与申请执行人达成执行和解并履行完毕", "失信期限届满")
"""Dishonest judgment debtors: listing and removal reasons."""
CRIMES: tuple[tuple[str, bool], ...] = (
    ("因犯贪污罪被判处有期徒刑三年，刑罚执行完毕", True),
    ("因犯受贿罪被判处有期徒刑二年六个月，刑罚执行完毕", True),
    ("因犯行贿罪被判处有期徒刑二年，缓刑三年，缓刑考验期满", True),
    ("因犯挪用资金罪被判处有期徒刑一年六个月，刑罚执行完毕", True),
    ("因犯职务侵占罪被判处有期徒刑三年，刑罚执行完毕", True),
    ("因犯合同诈骗罪（破坏社会主义市场经济秩序）被判处有期徒刑四年，刑罚执行完毕", True),
    ("因犯非法吸收公众存款罪（破坏社会主义市场经济秩序）被判处有期徒刑三年，缓刑四年，缓刑考验期满",
     True),
    ("因犯虚开增值税专用发票罪被判处有期徒刑五年，刑罚执行完毕", True),
    ("因犯危险驾驶罪被判处拘役三个月，刑罚执行完毕", False),
    ("因犯故意伤害罪被判处有期徒刑一年，刑罚执行完毕", False),
)
"""Criminal sentences: (text, whether it qualifies under Company Law Art.178(1)2)."""

SERIOUS_ILLEGAL_REMOVALS = ("", "信用修复，期满移出", "列入决定被依法撤销")
"""Removal reasons of serious-illegal entries: none, credit repair, listing annulled."""
CONSUMPTION_REASON = "被执行人未按执行通知书指定的期间履行生效法律文书确定的给付义务"
CONSUMPTION_REMOVAL = "已履行完毕"
LIQUIDATION_REASON = "破产程序终结"
REGISTRATION_REVOKED_REASON = "提交虚假材料取得公司登记"

NATIONALITIES = ("中国", "中国香港", "中国台湾", "美国", "新加坡", "加拿大")
