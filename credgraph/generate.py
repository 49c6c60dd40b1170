"""Synthetic registry dataset generator.

Writes a *dataset folder* in the input format of ``DATA.md`` (one UTF-8 CSV
per section, English headers) describing a plausible population of Chinese
enterprises, the people behind them and the public credit record around them.

Design:

* Deterministic: every random draw comes from numpy generators seeded from
  ``seed`` (one stream for the global plan, one per chunk, one per person
  block) and from a ``Faker('zh_CN')`` seeded with ``seed`` that only fills
  small word pools.  Same seed and size give byte-identical files.
* Streaming: a compact global plan (a few numpy arrays of one entry per
  enterprise / person: dates, capital, status, holding parent, legal
  representative ...) is built first; rows are then produced and written per
  block of enterprises, so memory stays flat whatever the size.
* Enterprise index order is the order of establishment, so a holding parent
  (always an earlier index) never postdates its subsidiary and holding chains
  are acyclic, except for the few cross-holdings planted on purpose.
* The data exercises the appointment-restriction rules of ``RULES.md``:
  revoked, ordered-closed and bankruptcy-liquidated enterprises whose legal
  representative serves elsewhere afterwards (some named as liable persons,
  some not), legal representatives of enterprises on the serious-illegal list
  who are legal representative of another enterprise, people on court and
  criminal lists who hold posts, removed list entries, ended appointments and
  a handful of future-dated appointments.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
from faker import Faker
from rich.progress import Progress

Arr = npt.NDArray[Any]

#: Column headers per section, exactly as the English names in DATA.md.
HEADERS: dict[str, tuple[str, ...]] = {
    "enterprises": (
        "uscc", "reg_no", "name", "type", "status", "established", "registered_capital",
        "currency", "authority", "address", "business_scope",
    ),
    "persons": ("person_id", "name", "id_number", "nationality"),
    "shareholdings": (
        "enterprise", "holder", "holder_type", "holder_name", "percent", "subscribed_amount",
        "start_date", "end_date",
    ),
    "officers": ("enterprise", "person_id", "name", "role", "start_date", "end_date"),
    "equity_pledges": (
        "reg_no", "enterprise", "pledgor", "pledgor_type", "pledgor_name", "pledgee",
        "pledgee_type", "pledgee_name", "amount", "registered_on", "status", "cancelled_on",
    ),
    "chattel_mortgages": (
        "reg_no", "mortgagor", "mortgagor_type", "mortgagor_name", "mortgagee",
        "mortgagee_type", "mortgagee_name", "secured_amount", "registered_on", "authority",
        "status", "cancelled_on", "collateral",
    ),
    "list_entries": (
        "subject", "subject_type", "list", "reason", "authority", "listed_on", "removed_on",
        "removal_reason", "doc_no",
    ),
    "penalties": ("enterprise", "doc_no", "violation_type", "content", "authority", "decided_on"),
    "enterprise_events": ("enterprise", "event", "date", "reason", "authority", "liable_persons"),
}
SECTIONS: tuple[str, ...] = tuple(HEADERS)

#: Latest date written, except for the few deliberately future-dated rows.
AS_OF = date(2026, 11, 27)

CHUNK = 25_000  # enterprises per written block
PERSON_BLOCK = 100_000

# ---------------------------------------------------------------------------
# dates: integer days since 1990-01-01; -1 means "empty"

_EPOCH = date(1990, 1, 1)


def _d(y: int, m: int, dd: int) -> int:
    return (date(y, m, dd) - _EPOCH).days


TODAY = _d(AS_OF.year, AS_OF.month, AS_OF.day)
_LAST = _d(2030, 12, 31)
_DATE_STR: Arr = np.array(
    [(_EPOCH + timedelta(days=i)).isoformat() for i in range(_LAST + 1)] + [""], dtype=object
)
_YEAR: Arr = np.array(
    [(_EPOCH + timedelta(days=i)).year for i in range(_LAST + 1)] + [0], dtype=np.int64
)


def _dates(days: Arr) -> list[str]:
    return list(_DATE_STR[np.asarray(days, dtype=np.int64)].tolist())


def _between(rng: np.random.Generator, lo: Arr, hi: Arr) -> Arr:
    """Uniform integer day in [lo, hi] (hi clipped up to lo)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.maximum(np.asarray(hi, dtype=np.int64), lo)
    out: Arr = lo + np.floor(rng.random(lo.shape) * (hi - lo + 1)).astype(np.int64)
    return out


# ---------------------------------------------------------------------------
# fixed vocabularies

# city, short name, doc abbreviation, city division code, weight, districts
_CITIES: tuple[tuple[str, str, str, str, int, tuple[tuple[str, str], ...]], ...] = (
    ("深圳市", "深圳", "深", "440300", 14, (("440303", "罗湖区"), ("440304", "福田区"),
        ("440305", "南山区"), ("440306", "宝安区"), ("440307", "龙岗区"), ("440309", "龙华区"))),
    ("广州市", "广州", "穗", "440100", 10, (("440103", "荔湾区"), ("440104", "越秀区"),
        ("440105", "海珠区"), ("440106", "天河区"), ("440111", "白云区"), ("440112", "黄埔区"))),
    ("北京市", "北京", "京", "110000", 12, (("110101", "东城区"), ("110102", "西城区"),
        ("110105", "朝阳区"), ("110106", "丰台区"), ("110108", "海淀区"))),
    ("上海市", "上海", "沪", "310000", 12, (("310101", "黄浦区"), ("310104", "徐汇区"),
        ("310105", "长宁区"), ("310112", "闵行区"), ("310115", "浦东新区"))),
    ("杭州市", "杭州", "杭", "330100", 6, (("330102", "上城区"), ("330105", "拱墅区"),
        ("330106", "西湖区"), ("330108", "滨江区"), ("330110", "余杭区"))),
    ("南京市", "南京", "宁", "320100", 4, (("320102", "玄武区"), ("320104", "秦淮区"),
        ("320105", "建邺区"), ("320106", "鼓楼区"), ("320115", "江宁区"))),
    ("苏州市", "苏州", "苏", "320500", 5, (("320505", "虎丘区"), ("320506", "吴中区"),
        ("320507", "相城区"), ("320508", "姑苏区"))),
    ("成都市", "成都", "蓉", "510100", 5, (("510104", "锦江区"), ("510105", "青羊区"),
        ("510106", "金牛区"), ("510107", "武侯区"), ("510108", "成华区"))),
    ("武汉市", "武汉", "汉", "420100", 4, (("420102", "江岸区"), ("420103", "江汉区"),
        ("420106", "武昌区"), ("420111", "洪山区"))),
    ("重庆市", "重庆", "渝", "500000", 5, (("500103", "渝中区"), ("500105", "江北区"),
        ("500106", "沙坪坝区"), ("500108", "南岸区"), ("500112", "渝北区"))),
    ("天津市", "天津", "津", "120000", 4, (("120101", "和平区"), ("120103", "河西区"),
        ("120104", "南开区"), ("120116", "滨海新区"))),
    ("西安市", "西安", "西", "610100", 3, (("610102", "新城区"), ("610103", "碑林区"),
        ("610104", "莲湖区"), ("610113", "雁塔区"))),
    ("长沙市", "长沙", "长", "430100", 3, (("430102", "芙蓉区"), ("430103", "天心区"),
        ("430104", "岳麓区"), ("430105", "开福区"))),
    ("郑州市", "郑州", "郑", "410100", 3, (("410102", "中原区"), ("410103", "二七区"),
        ("410105", "金水区"))),
    ("青岛市", "青岛", "青", "370200", 3, (("370202", "市南区"), ("370203", "市北区"),
        ("370211", "黄岛区"), ("370212", "崂山区"))),
    ("东莞市", "东莞", "莞", "441900", 4, ()),
    ("佛山市", "佛山", "佛", "440600", 3, (("440604", "禅城区"), ("440605", "南海区"),
        ("440606", "顺德区"))),
    ("厦门市", "厦门", "厦", "350200", 2, (("350203", "思明区"), ("350205", "海沧区"),
        ("350206", "湖里区"), ("350211", "集美区"))),
    ("宁波市", "宁波", "甬", "330200", 3, (("330203", "海曙区"), ("330205", "江北区"),
        ("330206", "北仑区"), ("330212", "鄞州区"))),
    ("合肥市", "合肥", "合", "340100", 2, (("340102", "瑶海区"), ("340103", "庐阳区"),
        ("340104", "蜀山区"), ("340111", "包河区"))),
    ("济南市", "济南", "济", "370100", 2, (("370102", "历下区"), ("370103", "市中区"),
        ("370104", "槐荫区"), ("370112", "历城区"))),
    ("福州市", "福州", "榕", "350100", 2, (("350102", "鼓楼区"), ("350103", "台江区"),
        ("350104", "仓山区"))),
    ("沈阳市", "沈阳", "沈", "210100", 2, (("210102", "和平区"), ("210103", "沈河区"),
        ("210104", "大东区"), ("210105", "皇姑区"))),
    ("昆明市", "昆明", "昆", "530100", 1, (("530102", "五华区"), ("530103", "盘龙区"),
        ("530111", "官渡区"))),
    ("无锡市", "无锡", "锡", "320200", 2, (("320211", "滨湖区"), ("320213", "梁溪区"),
        ("320214", "新吴区"))),
)
_PROVINCE = {
    "44": "粤", "11": "京", "31": "沪", "33": "浙", "32": "苏", "51": "川", "42": "鄂",
    "50": "渝", "12": "津", "61": "陕", "43": "湘", "41": "豫", "37": "鲁", "35": "闽",
    "34": "皖", "21": "辽", "53": "云",
}

_INDUSTRIES: tuple[tuple[str, str], ...] = (
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
_SCOPE_TAIL = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"

_BRAND_CHARS = (
    "华信达通泰鑫博瑞宏远恒昌盛源兴隆丰汇利嘉德安康中天海宇正新辰创智佳明晟耀腾飞祥和美誉卓越"
    "凯旋云锦永春金银龙凤亿万富国民联合众诚东方光辉星晨阳圆立鼎峰汉唐宋清风雅颂乐知行思景致"
    "力途捷迅领航启拓展百川千里蓝图绿洲河骏鹏程科弘毅坤乾元亨贞益荣华彩泽润霖沣洋洪澜涛江湖"
    "山岳松柏梅兰竹菊嘉禾稷穗粤蜀楚湘闽浙吴越齐鲁燕赵晋秦陇豫皖赣桂滇黔琼川渝鸿雁羽翔宸睿哲"
)

_TYPE_NAMES: tuple[str, ...] = (
    "有限责任公司（自然人投资或控股）",  # 0 persons
    "有限责任公司（自然人独资）",  # 1 one person
    "有限责任公司（法人独资）",  # 2 one enterprise
    "其他有限责任公司",  # 3 enterprise/state + persons, or cross-holding
    "股份有限公司（非上市、自然人投资或控股）",  # 4 joint stock, persons
    "有限合伙企业",  # 5 partnership
    "有限责任公司（国有独资）",  # 6 state
    "其他股份有限公司（非上市）",  # 7 joint stock with an enterprise holder
    "股份有限公司分公司（上市、国有控股）",  # 8 bank branch (state bank)
    "股份有限公司分公司（上市）",  # 9 bank branch
    "股份有限公司（上市）",  # 10 bank head office
)
_T_PERS, _T_SOLE, _T_CORP, _T_OTHER, _T_JS, _T_LP, _T_STATE, _T_JS2 = range(8)
_T_BANK_BRANCH_SOE, _T_BANK_BRANCH, _T_BANK_HEAD = 8, 9, 10

_STATUS: tuple[str, ...] = ("存续", "在业", "吊销", "注销", "迁出", "撤销")
_S_ACTIVE, _S_OPEN, _S_REVOKED, _S_DEREG, _S_MOVED, _S_CANCELLED = range(6)

# event kinds per enterprise (at most one terminal story)
_EV_NONE, _EV_REVOKED, _EV_CLOSED, _EV_DEREG, _EV_LIQ, _EV_REGREV = range(6)

_NATIONAL_BANKS: tuple[tuple[str, bool], ...] = (
    ("中国工商银行股份有限公司", True), ("中国建设银行股份有限公司", True),
    ("中国农业银行股份有限公司", True), ("中国银行股份有限公司", True),
    ("交通银行股份有限公司", True), ("招商银行股份有限公司", False),
    ("上海浦东发展银行股份有限公司", False), ("中信银行股份有限公司", False),
    ("中国民生银行股份有限公司", False), ("兴业银行股份有限公司", False),
    ("平安银行股份有限公司", False), ("中国光大银行股份有限公司", False),
    ("华夏银行股份有限公司", False), ("广发银行股份有限公司", False),
    ("中国邮政储蓄银行股份有限公司", True),
)
_CITY_BANKS: tuple[tuple[str, int], ...] = (
    ("北京银行股份有限公司", 2), ("上海银行股份有限公司", 3), ("宁波银行股份有限公司", 18),
    ("江苏银行股份有限公司", 5), ("杭州银行股份有限公司", 4),
)

ROLES: tuple[str, ...] = (
    "legal_representative", "chair", "director", "supervisor", "manager", "deputy_manager",
    "cfo", "board_secretary", "responsible_person", "partner",
)
_LR, _CH, _DI, _SU, _MA, _DM, _CF, _BS, _RP, _PA = range(10)

# officer templates: (role, slot); slot 0 is the legal representative
_TEMPLATES: tuple[tuple[tuple[int, int], ...], ...] = (
    ((_LR, 0), (_DI, 0), (_MA, 0), (_SU, 1)),  # 0 执行董事兼经理 + 监事
    ((_LR, 0), (_DI, 0), (_SU, 1), (_MA, 2)),  # 1
    ((_LR, 0), (_MA, 0), (_DI, 1), (_SU, 2)),  # 2 经理任法定代表人
    ((_LR, 0), (_DI, 0), (_SU, 1)),  # 3
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_MA, 1), (_SU, 3)),  # 4 board
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_DI, 3), (_DI, 4), (_MA, 5), (_SU, 6),
     (_SU, 7), (_SU, 8), (_CF, 9)),  # 5
    ((_LR, 0), (_DI, 0), (_MA, 0), (_SU, 1), (_CF, 2)),  # 6
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_DI, 3), (_DI, 4), (_MA, 1), (_DM, 5),
     (_CF, 6), (_BS, 6), (_SU, 7), (_SU, 8), (_SU, 9)),  # 7 joint stock
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_MA, 3), (_DI, 3), (_BS, 4), (_CF, 4),
     (_SU, 5), (_SU, 6), (_SU, 7)),  # 8 joint stock
    ((_LR, 0), (_PA, 0)),  # 9 partnership
    ((_LR, 0), (_RP, 0), (_DM, 1)),  # 10 bank branch
    ((_LR, 0), (_CH, 0), (_DI, 1), (_DI, 2), (_MA, 1), (_SU, 3)),  # 11 bank head office
)
_MAX_SLOT = 10
_TPL_LEN: Arr = np.array([len(t) for t in _TEMPLATES], dtype=np.int64)
_TPL_OFF: Arr = np.concatenate([[0], np.cumsum(_TPL_LEN)[:-1]]).astype(np.int64)
_TPL_ROLE: Arr = np.array([r for t in _TEMPLATES for r, _ in t], dtype=np.int64)
_TPL_SLOT: Arr = np.array([s for t in _TEMPLATES for _, s in t], dtype=np.int64)

_ABNORMAL_REASONS: tuple[tuple[str, str, float], ...] = (
    ("通过登记的住所或者经营场所无法联系",
     "通过登记的住所或者经营场所可以重新取得联系，申请移出", 0.55),
    ("未依照《企业信息公示暂行条例》规定的期限公示年度报告",
     "补报未报年份的年度报告并公示，申请移出", 0.35),
    ("公示企业信息隐瞒真实情况、弄虚作假", "更正其公示的信息，申请移出", 0.04),
    ("未在市场监督管理部门依照《企业信息公示暂行条例》责令的期限内公示有关企业信息",
     "依照规定履行公示义务，申请移出", 0.06),
)
_SI_REASONS: tuple[str, ...] = (
    "被列入经营异常名录届满3年仍未履行相关义务",  # 0 escalation (2014 text)
    "公示企业信息隐瞒真实情况、弄虚作假",  # 1 false disclosure
    "提交虚假材料或者采取其他欺诈手段隐瞒重要事实，取得公司登记，被撤销公司登记",  # 2
    "组织策划传销",  # 3
    "因食品安全违法行为受到较重行政处罚",  # 4 other grounds (SAMR Order 44)
    "因不正当竞争违法行为受到较重行政处罚",  # 5
    "拒不执行市场监督管理部门作出的行政处罚决定",  # 6
)
_REVOKE_REASONS = (
    "成立后无正当理由超过6个月未开业，或者开业后自行停业连续6个月以上",
    "连续两年未按规定报送年度报告",
    "利用公司名义从事危害国家安全、社会公共利益的严重违法行为",
)
_CLOSE_REASONS = (
    ("违反环境保护法律法规，被责令关闭", "生态环境局"),
    ("存在重大事故隐患拒不整改，被责令关闭", "应急管理局"),
)
_DEREG_REASONS = ("决议解散", "简易注销", "股东会决议解散")
_VIOLATIONS: tuple[tuple[str, str], ...] = (
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
_COLLATERAL = (
    "生产设备一批", "数控机床若干台", "原材料及库存商品", "机动车辆", "办公设备一批",
    "成品及半成品存货", "注塑机及配套模具", "运输车辆及工程机械", "仓储货物",
    "医疗设备一批", "电子元器件库存",
)
_DD_REASONS = (
    "有履行能力而拒不履行生效法律文书确定义务",
    "违反财产报告制度",
    "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    "违反限制消费令",
)
_DD_REMOVALS = ("全部履行完毕", "与申请执行人达成执行和解并履行完毕", "失信期限届满")
# (reason, qualifies for Company Law Art.178(1)2)
_CRIMES: tuple[tuple[str, bool], ...] = (
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


# ---------------------------------------------------------------------------
# identifiers

_ALPH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ALPH_CODES: Arr = np.frombuffer(_ALPH.encode("ascii"), dtype=np.uint8).astype(np.int64)
_USCC_W: Arr = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_ORG_W: Arr = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_USCC_VAL: Arr = np.full(128, -1, dtype=np.int64)
_USCC_VAL[_ALPH_CODES] = np.arange(31)
_GB11714_VAL: Arr = np.full(128, -1, dtype=np.int64)
_GB11714_VAL[48:58] = np.arange(10)
_GB11714_VAL[65:91] = np.arange(10, 36)


def _perm(i: Arr, mod: int, mul: int, add: int) -> Arr:
    """A bijection of [0, mod): distinct inputs give distinct outputs."""
    return (np.asarray(i, dtype=np.int64) * mul + add) % mod


def _digits(v: Arr, n: int) -> Arr:
    """(len, n) ASCII codes of v zero-padded to n decimal digits."""
    v = np.asarray(v, dtype=np.int64)
    p = 10 ** np.arange(n - 1, -1, -1, dtype=np.int64)
    return ((v[:, None] // p[None, :]) % 10 + 48).astype(np.uint8)


def _ascii_rows(codes: Arr) -> list[str]:
    width = codes.shape[1]
    s = np.ascontiguousarray(codes, dtype=np.uint8).tobytes().decode("ascii")
    return [s[k : k + width] for k in range(0, len(s), width)]


def _usccs(prefix: str, divisions: Arr, org_index: Arr, new_style: Arr) -> list[str]:
    """Vectorised USCCs: prefix(2) + division(6) + organisation code(9) + check.

    The 8-character organisation body is a bijection of ``org_index``, so
    distinct indexes give distinct codes: old style is 8 digits, new style
    (registered from 2016) is ``MA`` + 6 signs of the USCC alphabet.
    """
    n = len(org_index)
    c = np.zeros((n, 18), dtype=np.uint8)
    c[:, 0] = ord(prefix[0])
    c[:, 1] = ord(prefix[1])
    c[:, 2:8] = _digits(divisions, 6)
    old = _digits(_perm(org_index, 10**8, 61_803_399, 37_492_617), 8)
    v = _perm(org_index, 31**6, 548_512_031, 99_991)
    new = np.zeros((n, 8), dtype=np.uint8)
    new[:, 0] = ord("M")
    new[:, 1] = ord("A")
    for k in range(6):
        new[:, 7 - k] = _ALPH_CODES[(v // 31**k) % 31]
    c[:, 8:16] = np.where(np.asarray(new_style, dtype=bool)[:, None], new, old)
    s = (_GB11714_VAL[c[:, 8:16]] * _ORG_W).sum(axis=1)
    chk = 11 - s % 11
    c[:, 16] = np.where(chk == 10, ord("X"), np.where(chk == 11, ord("0"), chk + 48))
    t = (_USCC_VAL[c[:, :17]] * _USCC_W).sum(axis=1)
    c[:, 17] = _ALPH_CODES[(31 - t % 31) % 31]
    return _ascii_rows(c)


def _reg_nos(divisions: Arr, index: Arr) -> list[str]:
    """15-digit legacy registration numbers, ISO 7064 MOD 11,10 check digit."""
    n = len(index)
    c = np.zeros((n, 15), dtype=np.uint8)
    c[:, 0:6] = _digits(divisions, 6)
    c[:, 6:14] = _digits(_perm(index, 10**8, 38_196_601, 4_242_427), 8)
    p = np.full(n, 10, dtype=np.int64)
    for k in range(14):
        s = (p + c[:, k].astype(np.int64) - 48) % 10
        s = np.where(s == 0, 10, s)
        p = (s * 2) % 11
    c[:, 14] = ((11 - p) % 10 + 48).astype(np.uint8)
    return _ascii_rows(c)


def _fmt_hundredths(values: Arr) -> list[str]:
    """Integer hundredths as decimal text: 1234 → '12.34', 10000 → '100', -1 → ''."""
    out: list[str] = []
    for v in np.asarray(values, dtype=np.int64).tolist():
        if v < 0:
            out.append("")
        elif v % 100 == 0:
            out.append(str(v // 100))
        else:
            out.append(f"{v // 100}.{v % 100:02d}")
    return out


def _distinct(
    grp: Arr, person: Arr, fixed: Arr, m: int, rng: np.random.Generator
) -> Arr:
    """Redraw persons so that no person appears twice in one group (fixed rows kept)."""
    person = np.array(person, dtype=np.int64, copy=True)
    for _ in range(50):
        o = np.lexsort((~fixed, person, grp))
        gs, ps = grp[o], person[o]
        dup = np.zeros(len(o), dtype=bool)
        dup[1:] = (gs[1:] == gs[:-1]) & (ps[1:] == ps[:-1])
        bad = o[dup]
        if not len(bad):
            break
        person[bad] = rng.integers(0, m, len(bad))
    return person


def _first_of_keys(*keys: Arr) -> Arr:
    """Mask keeping the first row (by position) of each distinct key tuple."""
    n = len(keys[0])
    pos = np.arange(n)
    o = np.lexsort((pos, *reversed(keys)))
    same = np.ones(max(n - 1, 0), dtype=bool)
    for k in keys:
        ks = k[o]
        same &= ks[1:] == ks[:-1]
    keep = np.ones(n, dtype=bool)
    keep[o[1:][same]] = False
    return keep


def _obj(items: Sequence[str]) -> Arr:
    a = np.empty(len(items), dtype=object)
    a[:] = list(items)
    return a


def _clean(items: Sequence[str]) -> list[str]:
    bad = str.maketrans({",": "，", '"': "", "\n": "", "\r": ""})
    return [s.translate(bad).strip() for s in items]


# ---------------------------------------------------------------------------
# pools from Faker


@dataclass(frozen=True)
class _Pools:
    surnames: Arr
    given: Arr
    streets: Arr
    buildings: Arr
    brand: Arr


def _pools(seed: int) -> _Pools:
    fk = Faker("zh_CN")
    fk.seed_instance(seed)
    surnames = _clean([fk.last_name() for _ in range(5000)])
    given = _clean(
        [
            fk.first_name() if k % 2 == 0 else fk.first_name()[0] + fk.first_name()[-1]
            for k in range(5000)
        ]
    )
    streets = _clean([fk.street_name() for _ in range(2000)])
    chars = list(dict.fromkeys(_BRAND_CHARS))
    order = np.random.default_rng(np.random.SeedSequence([seed, 7])).permutation(len(chars))
    brand = [chars[k] for k in order]
    buildings = _clean(
        [
            fk.company_prefix()[:2] + ("大厦", "科技园", "广场", "中心", "商务楼")[k % 5]
            for k in range(500)
        ]
    )
    return _Pools(_obj(surnames), _obj(given), _obj(streets), _obj(buildings), _obj(brand))


# ---------------------------------------------------------------------------
# the global plan


class _World:
    """Compact per-enterprise / per-person arrays shared by all chunks."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.m = max(10, round(0.8 * n))
        self.seed = seed
        self.pools = _pools(seed)
        g = np.random.default_rng(np.random.SeedSequence([seed, 1]))
        self._units()
        for phase in (self._enterprises, self._banks, self._status, self._holdings,
                      self._people, self._lists, self._plant, self._mortgages,
                      self._extra_officers):
            phase(g)
            self._compact()
        self._names()

    def _compact(self) -> None:
        """Store every large integer array in the smallest dtype that holds it."""
        for key, value in vars(self).items():
            if isinstance(value, np.ndarray) and value.dtype == np.int64 and value.size > 1000:
                lo, hi = int(value.min()), int(value.max())
                for dt in (np.int8, np.int16, np.int32):
                    info = np.iinfo(dt)
                    if info.min <= lo and hi <= info.max:
                        setattr(self, key, value.astype(dt))
                        break

    # -- geography -------------------------------------------------------
    def _units(self) -> None:
        div: list[int] = []
        city: list[int] = []
        auth: list[str] = []
        court: list[str] = []
        prefix: list[str] = []
        unit_of_city: list[int] = []
        districts_of_city: list[list[int]] = []
        for ci, (cname, _short, abbr, code, _w, dists) in enumerate(_CITIES):
            unit_of_city.append(len(div))
            div.append(int(code))
            city.append(ci)
            auth.append(f"{cname}市场监督管理局")
            court.append(f"{cname}中级人民法院")
            prefix.append(f"{abbr}市监")
            ds: list[int] = []
            for dcode, dname in dists:
                ds.append(len(div))
                div.append(int(dcode))
                city.append(ci)
                auth.append(f"{cname}{dname}市场监督管理局")
                court.append(f"{cname}{dname}人民法院")
                prefix.append(f"{abbr}{dname[0]}市监")
            districts_of_city.append(ds)
        self.u_div = np.array(div, dtype=np.int64)
        self.u_city = np.array(city, dtype=np.int64)
        self.u_auth = _obj(auth)
        self.u_court = _obj(court)
        self.u_prefix = prefix
        self.u_is_district = np.array(
            [u not in unit_of_city for u in range(len(div))], dtype=bool
        )
        self.unit_of_city = np.array(unit_of_city, dtype=np.int64)
        self.districts_of_city = districts_of_city
        w = np.array([c[4] for c in _CITIES], dtype=float)
        self.city_p = w / w.sum()
        self.city_name = _obj([c[0] for c in _CITIES])
        self.city_short = _obj([c[1] for c in _CITIES])
        # court code for enforcement doc numbers: 粤0305 / 粤03
        self.u_court_code = [
            _PROVINCE[str(d)[:2]] + (str(d)[2:6] if isd else str(d)[2:4])
            for d, isd in zip(div, self.u_is_district.tolist(), strict=True)
        ]

    def _pick_units(self, g: np.random.Generator, k: int) -> Arr:
        city = g.choice(len(_CITIES), size=k, p=self.city_p)
        unit = self.unit_of_city[city].copy()
        r = g.random(k)
        for ci, ds in enumerate(self.districts_of_city):
            if not ds:
                continue
            m = (city == ci) & (r < 0.65)
            unit[m] = np.array(ds)[g.integers(0, len(ds), int(m.sum()))]
        return unit

    # -- enterprises -----------------------------------------------------
    def _enterprises(self, g: np.random.Generator) -> None:
        n = self.n
        u = g.random(n)
        recent = g.integers(_d(2014, 1, 1), _d(2025, 12, 31) + 1, n, dtype=np.int32)
        older = g.integers(_d(1995, 1, 1), _d(2013, 12, 31) + 1, n, dtype=np.int32)
        self.est = np.sort(np.where(u < 0.62, recent, older))  # index order = age order
        self.unit = self._pick_units(g, n)
        cap = np.exp(g.normal(math.log(150.0), 1.6, n))
        round_caps = np.array([10, 30, 50, 100, 100, 200, 300, 500, 500, 1000, 1000, 2000,
                               3000, 5000, 10000], dtype=float)
        snap = g.random(n) < 0.7
        near = round_caps[np.clip(np.searchsorted(round_caps, cap), 0, len(round_caps) - 1)]
        cap = np.where(snap, near, cap)
        self.cap = np.round(np.clip(cap, 10, 100_000) * 100).astype(np.int64)  # hundredths
        self.currency = np.where(g.random(n) < 0.006, 1, 0)
        self.name_variant = g.choice(3, size=n, p=[0.8, 0.12, 0.08])
        self.addr_street = g.integers(0, len(self.pools.streets), n)
        self.addr_no = g.integers(1, 999, n)
        self.addr_building = g.integers(0, len(self.pools.buildings), n)
        self.addr_room = g.integers(101, 3300, n)
        self.is_bank = np.zeros(n, dtype=bool)

    def _banks(self, g: np.random.Generator) -> None:
        nb = min(20, max(2, self.n // 50))
        old = np.flatnonzero(self.est < _d(2009, 1, 1))
        pool = old if len(old) >= nb else np.arange(self.n)
        idx = np.sort(g.choice(pool, nb, replace=False))
        specs: list[tuple[str, int, int]] = []  # name, city, type
        for k, (bank, soe) in enumerate(_NATIONAL_BANKS):
            ci = k % 6
            specs.append((f"{bank}{_CITIES[ci][0]}分行", ci,
                          _T_BANK_BRANCH_SOE if soe else _T_BANK_BRANCH))
        for bank, ci in _CITY_BANKS:
            specs.append((bank, ci, _T_BANK_HEAD))
        # the mortgage rank follows the order of idx_by_rank
        rank_order = g.permutation(nb)
        self.bank_idx = idx[rank_order]  # bank_idx[r] = enterprise of rank r
        self.bank_name: dict[int, str] = {}
        self.bank_type = np.zeros(nb, dtype=np.int64)
        for r in range(nb):
            e = int(self.bank_idx[r])
            name, ci, typ = specs[r]
            self.bank_name[e] = name
            self.unit[e] = self.unit_of_city[ci]
            self.bank_type[r] = typ
            self.cap[e] = -1 if typ != _T_BANK_HEAD else int(g.integers(1_000_000, 3_000_000)) * 100
            self.currency[e] = 0
            self.name_variant[e] = 0
        self.is_bank[self.bank_idx] = True

    # -- status and terminal events --------------------------------------
    def _status(self, g: np.random.Generator) -> None:
        n = self.n
        st = g.choice(6, size=n, p=[0.80, 0.06, 0.06, 0.073, 0.005, 0.002])
        young = self.est > TODAY - 400
        st[young & (st >= _S_REVOKED)] = _S_ACTIVE
        st[self.is_bank] = _S_ACTIVE
        self.status = st
        ended = st >= _S_REVOKED
        sday = np.full(n, -1, dtype=np.int64)
        sday[ended] = _between(g, self.est[ended] + 200, np.full(int(ended.sum()), TODAY))
        self.status_day = sday
        ev = np.zeros(n, dtype=np.int64)
        ev_day = np.full(n, -1, dtype=np.int64)
        rev = np.flatnonzero(st == _S_REVOKED)
        r = g.random(len(rev))
        ev[rev[r < 0.9]] = _EV_REVOKED
        closed = rev[r >= 0.975] if len(rev) else rev
        if len(rev) and not len(closed):
            closed = rev[:1]
        ev[closed] = _EV_CLOSED
        dereg = np.flatnonzero(st == _S_DEREG)
        ev[dereg] = _EV_DEREG
        liq = dereg[g.random(len(dereg)) < 0.05]
        if len(dereg) >= 2 and len(liq) < 2:
            liq = dereg[:2]
        ev[liq] = _EV_LIQ
        ev[st == _S_CANCELLED] = _EV_REGREV
        has = ev != _EV_NONE
        ev_day[has] = sday[has]
        # bankruptcy liquidation ends some weeks before the deregistration
        ev_day[liq] = np.maximum(self.est[liq] + 100, sday[liq] - g.integers(15, 180, len(liq)))
        self.ev = ev
        self.ev_day = ev_day
        # nothing about an enterprise is recorded after this day
        self.limit = np.where(ended, np.where(ev == _EV_LIQ, ev_day, sday), TODAY)
        self.liable = (g.random(n) < 0.5) & np.isin(ev, [_EV_REVOKED, _EV_CLOSED, _EV_LIQ])
        self.active = (st <= _S_OPEN) & ~self.is_bank
        self.active_idx = np.flatnonzero(self.active)

    # -- shareholding structure ------------------------------------------
    def _holdings(self, g: np.random.Generator) -> None:
        n = self.n
        nonbank = ~self.is_bank
        # holding companies: a pool of active enterprises that own subsidiaries
        hpool = np.flatnonzero(self.active)
        nh = min(len(hpool), max(3, round(0.03 * n)))
        hold = np.sort(g.choice(hpool, nh, replace=False))
        parent = np.full(n, -1, dtype=np.int64)
        child = nonbank & (g.random(n) < 0.19)
        idx = np.flatnonzero(child)
        k = np.searchsorted(hold, idx)  # holding companies older than the child
        use_h = (k > 0) & (g.random(len(idx)) < 0.75)
        cand = np.where(
            use_h,
            hold[np.maximum(np.floor(g.random(len(idx)) * k).astype(np.int64), 0)
                 .clip(0, len(hold) - 1)],
            np.floor(g.random(len(idx)) * idx).astype(np.int64),
        )
        ok = (cand < idx) & self.active[np.clip(cand, 0, n - 1)]
        parent[idx[ok]] = cand[ok]
        # a few planted chains of depth 5
        kids = np.bincount(parent[parent >= 0], minlength=n)
        free = np.flatnonzero(self.active & (parent < 0) & (kids == 0))
        free = np.setdiff1d(free, hold)
        n_chain = min(max(1, n // 50_000), len(free) // 6)
        if n_chain:
            pick = g.choice(free, 6 * n_chain, replace=False).reshape(n_chain, 6)
            pick.sort(axis=1)
            for row in pick:
                for a, b in itertools.pairwise(row):
                    parent[b] = a
        # cap chain depth at 5 holding levels
        while True:
            depth = np.zeros(n, dtype=np.int16)
            for _ in range(64):
                nd = np.where(parent >= 0, depth[np.maximum(parent, 0)] + 1, 0)
                if np.array_equal(nd, depth):
                    break
                depth = nd
            too_deep = depth > 5
            if not too_deep.any():
                break
            parent[too_deep & (depth == 6)] = -1
        self.parent = parent
        children = np.bincount(parent[parent >= 0], minlength=n)

        # state holders: a few state-owned enterprises held by the city SASAC
        state = np.full(n, -1, dtype=np.int64)
        cand_s = np.flatnonzero(self.active & (parent < 0))
        ns = min(len(cand_s), max(2, round(0.003 * n)))
        sidx = g.choice(cand_s, ns, replace=False)
        state[sidx] = self.u_city[self.unit[sidx]]
        self.state = state

        # composition: number of person holders and company type
        typ = np.zeros(n, dtype=np.int8)
        n_p = np.zeros(n, dtype=np.int8)
        parent_bp = np.zeros(n, dtype=np.int16)
        state_bp = np.zeros(n, dtype=np.int16)
        r = g.random(n)
        multi = g.choice([2, 3, 4, 5], size=n, p=[0.5, 0.28, 0.14, 0.08]).astype(np.int8)
        few = g.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15]).astype(np.int8)
        hasp = parent >= 0
        # children
        sole = hasp & (r < 0.35)
        typ[sole] = _T_CORP
        parent_bp[sole] = 10_000
        mixed = hasp & ~sole
        typ[mixed] = np.where(r[mixed] < 0.92, _T_OTHER, np.where(r[mixed] < 0.96, _T_JS2, _T_LP))
        parent_bp[mixed] = g.integers(5100, 9001, int(mixed.sum()))
        n_p[mixed] = few[mixed]
        # state owned
        hs = state >= 0
        s_sole = hs & (r < 0.5)
        typ[s_sole] = _T_STATE
        state_bp[s_sole] = 10_000
        s_mixed = hs & ~s_sole
        typ[s_mixed] = _T_OTHER
        state_bp[s_mixed] = g.integers(3000, 7001, int(s_mixed.sum()))
        n_p[s_mixed] = few[s_mixed]
        # persons only
        po = nonbank & ~hasp & ~hs
        r2 = g.random(n)
        typ[po & (r2 < 0.25)] = _T_SOLE
        n_p[po & (r2 < 0.25)] = 1
        js = po & (r2 >= 0.25) & (r2 < 0.28)
        typ[js] = _T_JS
        lp = po & (r2 >= 0.28) & (r2 < 0.33)
        typ[lp] = _T_LP
        rest = po & (r2 >= 0.33)
        typ[rest] = _T_PERS
        n_p[js | lp | rest] = multi[js | lp | rest]
        typ[self.is_bank] = self.bank_type[np.argsort(self.bank_idx)]

        # deliberate cross-holding cycles: A holds 20% of B, B holds 10% of A
        reserved = np.zeros(n, dtype=np.int64)
        cyc_h: list[int] = []
        cyc_t: list[int] = []
        cyc_bp: list[int] = []
        ccand = np.flatnonzero(self.active & (typ == _T_PERS) & (children == 0))
        n_cyc = min(max(3, n // 10_000), len(ccand) // 2)
        n_tri = 1 if n >= 20_000 and len(ccand) >= 2 * n_cyc + 3 else 0
        pick = g.choice(ccand, 2 * n_cyc + 3 * n_tri, replace=False)
        for c in range(n_cyc):
            a, b = int(pick[2 * c]), int(pick[2 * c + 1])
            cyc_h += [a, b]
            cyc_t += [b, a]
            cyc_bp += [2000, 1000]
        if n_tri:
            a, b, t = (int(x) for x in pick[2 * n_cyc :])
            cyc_h += [a, b, t]
            cyc_t += [b, t, a]
            cyc_bp += [1500, 1500, 1500]
        ch = np.array(cyc_h, dtype=np.int64)
        ct = np.array(cyc_t, dtype=np.int64)
        cb = np.array(cyc_bp, dtype=np.int64)
        np.add.at(reserved, ct, cb)
        typ[ct] = _T_OTHER
        o = np.argsort(ct, kind="stable")
        self.cyc_h, self.cyc_t, self.cyc_bp = ch[o], ct[o], cb[o]
        self.cyc_start = np.maximum(self.est[self.cyc_h], self.est[self.cyc_t]) + g.integers(
            0, 365, len(o)
        )
        self.cyc_start = np.minimum(self.cyc_start, TODAY)
        self.reserved = reserved
        self.type = typ
        self.n_p = n_p
        self.parent_bp = parent_bp
        self.state_bp = state_bp
        self.is_group = (children >= 10) & np.isin(typ, [_T_PERS, _T_OTHER, _T_CORP, _T_STATE])

    # -- legal representatives -------------------------------------------
    def _people(self, g: np.random.Generator) -> None:
        n, m = self.n, self.m
        self.p_surname = g.integers(0, len(self.pools.surnames), m)
        self.p_given = g.integers(0, len(self.pools.given), m)
        self.p_unit = self._pick_units(g, m)
        self.p_tail = g.integers(0, 1000, m)
        self.p_x = g.random(m) < 0.09
        self.p_nat = g.choice(6, size=m, p=[0.972, 0.01, 0.006, 0.005, 0.004, 0.003])
        self.lr = g.integers(0, m, n)
        self.lr_is_holder = (g.random(n) < 0.65) & (self.n_p > 0)
        span = self.limit - self.est
        self.lr_changed = (g.random(n) < 0.12) & (span > 60)
        self.lr_start = self.est.copy()
        ch = self.lr_changed
        self.lr_start[ch] = _between(g, self.est[ch] + 30, self.limit[ch])
        self.prev_lr = np.where(ch, g.integers(0, m, n), -1)
        clash = self.prev_lr == self.lr
        self.prev_lr[clash] = (self.prev_lr[clash] + 1) % m

    def lr_pool(self, g: np.random.Generator, k: int) -> Arr:
        """Persons who are legal representative of an active enterprise."""
        act = self.active_idx
        return np.asarray(self.lr[act[g.integers(0, len(act), k)]], dtype=np.int64)

    # -- list entries decided up front (they drive planted hits) ---------
    def _lists(self, g: np.random.Generator) -> None:
        n = self.n
        # serious illegal list
        cand = np.flatnonzero(~self.is_bank & (self.est <= TODAY - 800))
        k = min(len(cand), max(3, round(0.005 * n)))
        si = np.sort(g.choice(cand, k, replace=False))
        lo = np.maximum(_d(2016, 1, 1), self.est[si] + 365)
        day = _between(g, lo, np.full(k, TODAY))
        # both texts of EIP-18 are hit, whatever the size
        cut = _d(2024, 5, 1)
        day[0] = _between(g, lo[:1], np.minimum(np.full(1, cut - 1), TODAY))[0]
        day[1] = _between(g, np.maximum(lo[1:2], cut), np.full(1, TODAY))[0]
        reason = np.empty(k, dtype=np.int64)
        r = g.random(k)
        early = day < _d(2021, 9, 1)
        mid = (day >= _d(2021, 9, 1)) & (day < cut)
        reason[early] = np.select([r[early] < 0.55, r[early] < 0.8, r[early] < 0.93],
                                  [0, 1, 2], 3)
        reason[mid] = np.select([r[mid] < 0.3, r[mid] < 0.55, r[mid] < 0.7, r[mid] < 0.85],
                                [0, 1, 4, 5], 6)
        late = day >= cut
        reason[late] = np.select([r[late] < 0.35, r[late] < 0.5, r[late] < 0.7, r[late] < 0.85],
                                 [1, 2, 4, 5], 6)
        # an escalation needs three years on the abnormal list first
        esc_ok = self.est[si] + 365 <= day - 3 * 365 - 60
        reason[(reason == 0) & ~esc_ok] = 1
        removed = np.full(k, -1, dtype=np.int64)
        removal = np.zeros(k, dtype=np.int64)
        rr = g.random(k)
        repair = (rr < 0.12) & (day + 3 * 365 + 200 <= TODAY)
        removed[repair] = day[repair] + 3 * 365 + g.integers(0, 200, int(repair.sum()))
        removal[repair] = 1
        annul = (rr >= 0.12) & (rr < 0.16) & (day + 400 <= TODAY)
        removed[annul] = day[annul] + g.integers(30, 400, int(annul.sum()))
        removal[annul] = 2
        self.si_ent, self.si_day, self.si_reason = si, day, reason
        self.si_removed, self.si_removal = removed, removal
        # enterprise legal representative at the listing date
        self.si_lr = np.where(self.lr_start[si] <= day, self.lr[si], self.prev_lr[si])

    # -- planted hits for the restriction rules --------------------------
    def _plant(self, g: np.random.Generator) -> None:
        n = self.n
        srcs = np.flatnonzero(np.isin(self.ev, [_EV_REVOKED, _EV_CLOSED, _EV_LIQ]))
        n_src = min(len(srcs), max(3, round(0.15 * len(srcs))))
        src = np.sort(g.choice(srcs, n_src, replace=False)) if n_src else srcs[:0]
        n_si = min(len(self.si_ent), max(3, round(0.3 * len(self.si_ent))))
        si_pick = np.sort(g.choice(len(self.si_ent), n_si, replace=False))
        busy = np.zeros(n, dtype=bool)
        busy[srcs] = True
        busy[self.si_ent] = True
        busy[self.cyc_t] = True
        cand = np.flatnonzero(self.active & ~busy)
        targets = g.choice(cand, n_src + n_si, replace=False)
        self.liable[src[: max(1, round(0.7 * n_src))]] = True
        trig_day = np.concatenate([self.ev_day[src], self.si_day[si_pick]])
        person = np.concatenate([self.lr[src], self.si_lr[si_pick]])
        as_lr = np.concatenate([g.random(n_src) < 0.6, np.ones(n_si, dtype=bool)])
        shift = g.integers(-900, 1000, n_src + n_si)
        start = np.clip(trig_day + shift, self.est[targets], TODAY)
        x_e: list[int] = []
        x_p: list[int] = []
        x_r: list[int] = []
        x_s: list[int] = []
        roles = g.choice([_DI, _SU, _MA], size=n_src + n_si, p=[0.5, 0.25, 0.25])
        for k in range(n_src + n_si):
            t, p, s = int(targets[k]), int(person[k]), int(start[k])
            if p == self.lr[t]:
                continue
            if as_lr[k]:
                changed = s > self.est[t]
                self.prev_lr[t] = self.lr[t] if changed else -1
                self.lr_changed[t] = changed
                self.lr[t] = p
                self.lr_start[t] = s
                self.lr_is_holder[t] = False
            else:
                x_e.append(t)
                x_p.append(p)
                x_r.append(int(roles[k]))
                x_s.append(s)
        self.plant_e = np.array(x_e, dtype=np.int64)
        self.plant_p = np.array(x_p, dtype=np.int64)
        self.plant_r = np.array(x_r, dtype=np.int64)
        self.plant_s = np.array(x_s, dtype=np.int64)
        self.n_planted = n_src + n_si

    # -- chattel mortgages: exact counts so that the bank skew holds -----
    def _mortgages(self, g: np.random.Generator) -> None:
        n = self.n
        nb = len(self.bank_idx)
        lo = np.maximum(self.est + 30, _d(2008, 1, 1))
        elig = np.flatnonzero(~self.is_bank & (self.limit >= lo + 30))
        m = min(len(elig), int(0.085 * n + 0.5))
        ents = np.sort(g.choice(elig, m, replace=False))
        top = min(m, math.ceil(0.62 * m))
        second = min(m - top, math.ceil(0.15 * m))
        rest = m - top - second
        w = 1.0 / np.arange(1, nb - 1) if nb > 2 else np.ones(1)
        others = (
            2 + g.choice(len(w), size=rest, p=w / w.sum()) if nb > 2 else np.ones(rest, dtype=int)
        )
        house = np.concatenate([np.zeros(top), np.ones(second), others]).astype(np.int64)
        self.mort_ent = ents
        self.mort_bank = house[g.permutation(m)]
        self.bank_p = np.bincount(self.mort_bank, minlength=nb) / max(1, m)

    # -- officer rows that are not from templates -------------------------
    def _extra_officers(self, g: np.random.Generator) -> None:
        n, m = self.n, self.m
        es: list[Arr] = [self.plant_e]
        ps: list[Arr] = [self.plant_p]
        rs: list[Arr] = [self.plant_r]
        ss: list[Arr] = [self.plant_s]
        ends: list[Arr] = [np.full(len(self.plant_e), -1, dtype=np.int64)]
        # professional directors: a few people sitting on 10-50 boards
        pool = np.flatnonzero(~self.is_bank)
        k = min(m, max(5, n // 2000))
        pros = g.choice(m, k, replace=False)
        for p in pros.tolist():
            cnt = min(len(pool), int(g.integers(10, 51)))
            e = np.sort(g.choice(pool, cnt, replace=False))
            e = e[self.lr[e] != p]
            es.append(e)
            ps.append(np.full(len(e), p, dtype=np.int64))
            rs.append(g.choice([_DI, _SU, _MA], size=len(e), p=[0.55, 0.3, 0.15]))
            st = _between(g, self.est[e], self.limit[e])
            ss.append(st)
            en = np.where(g.random(len(e)) < 0.15, _between(g, st, self.limit[e]), -1)
            ends.append(en)
        self.pros = pros
        # appointments registered ahead of time (start after AS_OF)
        act = np.flatnonzero(self.active)
        f = min(len(act), max(3, n // 20_000))
        e = np.sort(g.choice(act, f, replace=False))
        es.append(e)
        ps.append(g.integers(0, m, f))
        rs.append(g.choice([_DI, _SU], size=f))
        ss.append(_between(g, np.full(f, _d(2027, 1, 4)), np.full(f, _d(2027, 6, 30))))
        ends.append(np.full(f, -1, dtype=np.int64))
        e_all = np.concatenate(es)
        o = np.argsort(e_all, kind="stable")
        self.xo_e = e_all[o]
        self.xo_p = np.concatenate(ps)[o]
        self.xo_r = np.concatenate(rs).astype(np.int64)[o]
        self.xo_s = np.concatenate(ss)[o]
        self.xo_end = np.concatenate(ends)[o]
        # future-dated shareholdings (share unknown)
        f2 = min(len(act), max(2, n // 50_000))
        e2 = np.sort(g.choice(np.flatnonzero(self.active & (self.n_p > 0)), f2, replace=False))
        self.fs_e = e2
        self.fs_p = g.integers(0, m, f2)
        self.fs_s = _between(g, np.full(f2, _d(2027, 1, 4)), np.full(f2, _d(2027, 6, 30)))

    # -- names -----------------------------------------------------------
    def _names(self) -> None:
        nbrand = len(self.pools.brand)
        nind = len(_INDUSTRIES)
        self.brand_len = 2 if self.n <= nbrand**2 * nind else 3
        self.core_mod = nbrand**self.brand_len * nind
        mul = 1_000_003
        while math.gcd(mul, self.core_mod) != 1:
            mul += 2
        self.core_mul = mul
        self.ind_word = _obj([w for w, _ in _INDUSTRIES])
        self.ind_scope = _obj([s + _SCOPE_TAIL for _, s in _INDUSTRIES])
        self.state_name = _obj([f"{c[0]}人民政府国有资产监督管理委员会" for c in _CITIES])
        self.state_id = _usccs(
            "11",
            np.array([int(c[3]) for c in _CITIES]),
            self.n + np.arange(len(_CITIES)),
            np.zeros(len(_CITIES), dtype=bool),
        )

    # -- vectorised accessors --------------------------------------------
    def industry_of(self, idx: Arr) -> Arr:
        core = _perm(idx, self.core_mod, self.core_mul, 7)
        return np.asarray(core % len(_INDUSTRIES), dtype=np.int64)

    def ent_names(self, idx: Arr) -> Arr:
        idx = np.asarray(idx, dtype=np.int64)
        nbrand = len(self.pools.brand)
        nind = len(_INDUSTRIES)
        core = _perm(idx, self.core_mod, self.core_mul, 7)
        ind = core % nind
        b = core // nind
        brand = self.pools.brand[b % nbrand]
        for _ in range(self.brand_len - 1):
            b = b // nbrand
            brand = brand + self.pools.brand[b % nbrand]
        city = self.u_city[self.unit[idx]]
        typ = self.type[idx]
        suffix = np.where(
            np.isin(typ, [_T_JS, _T_JS2]), "股份有限公司",
            np.where(typ == _T_LP, "合伙企业（有限合伙）",
                     np.where(self.is_group[idx], "集团有限公司", "有限公司")),
        ).astype(object)
        word = self.ind_word[ind]
        var = np.where((typ == _T_LP) | self.is_group[idx], 0, self.name_variant[idx])
        cname = self.city_name[city]
        short = self.city_short[city]
        v0 = cname + brand + word + suffix
        v1 = brand + "（" + short + "）" + word + suffix
        v2 = brand + word + "（" + short + "）" + suffix
        out: Arr = np.where(var == 0, v0, np.where(var == 1, v1, v2)).astype(object)
        if self.is_bank[idx].any():
            for k in np.flatnonzero(self.is_bank[idx]).tolist():
                out[k] = self.bank_name[int(idx[k])]
        return out

    def labels(self, kind: int, idx: Arr) -> tuple[list[str], list[str]]:
        """Identifiers and names of persons (0), enterprises (1) or state holders (2)."""
        if kind == 0:
            return self.person_ids(idx), list(self.person_names(idx).tolist())
        if kind == 1:
            return self.usccs(idx), list(self.ent_names(idx).tolist())
        return [self.state_id[i] for i in idx.tolist()], list(self.state_name[idx].tolist())

    def usccs(self, idx: Arr) -> list[str]:
        idx = np.asarray(idx, dtype=np.int64)
        return _usccs(
            "91", self.u_div[self.unit[idx]], idx, self.est[idx] >= _d(2016, 1, 1)
        )

    def person_ids(self, idx: Arr) -> list[str]:
        v = _perm(idx, 10**10, 6_180_339_887, 3_829_174_650) + 10**10
        return ["P" + s[1:] for s in v.astype(str).tolist()]

    def person_names(self, idx: Arr) -> Arr:
        idx = np.asarray(idx, dtype=np.int64)
        out: Arr = self.pools.surnames[self.p_surname[idx]] + self.pools.given[self.p_given[idx]]
        return out

    def authority(self, idx: Arr) -> Arr:
        out: Arr = self.u_auth[self.unit[np.asarray(idx, dtype=np.int64)]]
        return out


# ---------------------------------------------------------------------------
# output


class _Sink:
    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.files: dict[str, IO[str]] = {}
        self.counts: dict[str, int] = dict.fromkeys(SECTIONS, 0)
        for s in SECTIONS:
            fh = (out_dir / f"{s}.csv").open("w", encoding="utf-8", newline="")
            fh.write(",".join(HEADERS[s]) + "\n")
            self.files[s] = fh

    def write(self, section: str, cols: Sequence[Sequence[str]]) -> None:
        assert len(cols) == len(HEADERS[section]), section
        n = len(cols[0])
        if n == 0:
            return
        self.files[section].write("\n".join(map(",".join, zip(*cols, strict=True))) + "\n")
        self.counts[section] += n

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


def _const(value: str, n: int) -> list[str]:
    return [value] * n


def _pick(values: Sequence[str], idx: Arr) -> list[str]:
    return [values[i] for i in np.asarray(idx, dtype=np.int64).tolist()]


class _Chunk:
    """Rows for enterprises [lo, hi)."""

    def __init__(self, w: _World, lo: int, hi: int, sink: _Sink, counters: dict[str, int]):
        self.w = w
        self.lo = lo
        self.hi = hi
        self.sink = sink
        self.counters = counters
        self.rng = np.random.default_rng(np.random.SeedSequence([w.seed, 2, lo // CHUNK]))
        self.idx = np.arange(lo, hi, dtype=np.int64)
        self.uscc = np.array(w.usccs(self.idx), dtype=object)
        self.names = w.ent_names(self.idx)

    def u(self, e: Arr) -> list[str]:
        return list(self.uscc[np.asarray(e, dtype=np.int64) - self.lo].tolist())

    def nm(self, e: Arr) -> list[str]:
        return list(self.names[np.asarray(e, dtype=np.int64) - self.lo].tolist())

    def _next(self, key: str) -> int:
        v = self.counters.get(key, 0) + 1
        self.counters[key] = v
        return v

    def run(self) -> None:
        self.enterprises()
        self.shareholdings()
        self.officers()
        self.pledges()
        self.mortgages()
        self.lists()
        self.penalties()
        self.events()

    # -- enterprises -----------------------------------------------------
    def enterprises(self) -> None:
        w, idx = self.w, self.idx
        n = len(idx)
        old = w.est[idx] < _d(2016, 1, 1)
        reg = [""] * n
        if old.any():
            oi = np.flatnonzero(old)
            for k, s in zip(oi.tolist(), _reg_nos(w.u_div[w.unit[idx[oi]]], idx[oi]),
                            strict=True):
                reg[k] = s
        city = w.u_city[w.unit[idx]]
        unit = w.unit[idx]
        dist_name = np.array(
            [a[len(w.city_name[c]):-len("市场监督管理局")]
             for a, c in zip(w.u_auth[unit].tolist(), city.tolist(), strict=True)],
            dtype=object,
        )
        p = w.pools
        addr = (
            w.city_name[city] + dist_name + p.streets[w.addr_street[idx]]
            + w.addr_no[idx].astype(str).astype(object) + "号"
            + p.buildings[w.addr_building[idx]] + w.addr_room[idx].astype(str).astype(object)
            + "室"
        )
        ind = w.industry_of(idx)
        typ = w.type[idx]
        self.sink.write("enterprises", [
            self.u(idx),
            reg,
            list(self.names.tolist()),
            _pick(_TYPE_NAMES, typ),
            _pick(_STATUS, w.status[idx]),
            _dates(w.est[idx]),
            _fmt_hundredths(w.cap[idx]),
            _pick(("CNY", "USD"), w.currency[idx]),
            list(w.authority(idx).tolist()),
            list(addr.tolist()),
            list(w.ind_scope[ind].tolist()),
        ])

    # -- shareholdings ---------------------------------------------------
    def shareholdings(self) -> None:
        w, rng, lo, hi = self.w, self.rng, self.lo, self.hi
        ents = self.idx[~w.is_bank[self.idx]]
        ne = len(ents)
        est, limit = w.est[ents], w.limit[ents]
        parts_e: list[Arr] = []
        parts_kind: list[Arr] = []
        parts_h: list[Arr] = []
        parts_bp: list[Arr] = []
        parts_start: list[Arr] = []
        parts_end: list[Arr] = []

        def add(e: Arr, kind: int, h: Arr, bp: Arr, start: Arr, end: Arr | None = None) -> None:
            parts_e.append(e)
            parts_kind.append(np.full(len(e), kind, dtype=np.int64))
            parts_h.append(np.asarray(h, dtype=np.int64))
            parts_bp.append(np.asarray(bp, dtype=np.int64))
            parts_start.append(np.asarray(start, dtype=np.int64))
            parts_end.append(np.full(len(e), -1, dtype=np.int64) if end is None else end)

        late = rng.random(ne) < 0.15
        later = np.where(late, _between(rng, est, limit), est)
        pm = w.parent[ents] >= 0
        add(ents[pm], 1, w.parent[ents[pm]], w.parent_bp[ents[pm]], later[pm])
        sm = w.state[ents] >= 0
        add(ents[sm], 2, w.state[ents[sm]], w.state_bp[ents[sm]], est[sm])
        a, b = np.searchsorted(w.cyc_t, [lo, hi])
        add(w.cyc_t[a:b], 1, w.cyc_h[a:b], w.cyc_bp[a:b], w.cyc_start[a:b])

        # person holders
        npers = w.n_p[ents]
        grp = np.repeat(np.arange(ne), npers)
        pe = ents[grp]
        off = np.cumsum(npers) - npers
        is_first = np.zeros(len(pe), dtype=bool)
        is_first[off[npers > 0]] = True
        person = rng.integers(0, w.m, len(pe))
        lrh = is_first & w.lr_is_holder[pe]
        person[lrh] = w.lr[pe[lrh]]
        fixed = (np.where(pm, w.parent_bp[ents], 0) + np.where(sm, w.state_bp[ents], 0)
                 + w.reserved[ents])
        total = np.where((fixed == 0) & (rng.random(ne) < 0.05),
                         rng.integers(6000, 10_000, ne), 10_000)
        rem = total - fixed
        wt = rng.gamma(1.0, size=len(pe)) + 0.05
        wsum = np.bincount(grp, weights=wt, minlength=ne)
        bp = np.floor(wt / wsum[grp] * rem[grp]).astype(np.int64)
        left = rem - np.bincount(grp, weights=bp, minlength=ne).astype(np.int64)
        bp[off[npers > 0]] += left[npers > 0]
        pstart = np.where(~is_first & (rng.random(len(pe)) < 0.12),
                          _between(rng, w.est[pe], w.limit[pe]), w.est[pe])
        pend = np.full(len(pe), -1, dtype=np.int64)
        # ~5% of enterprises: one holder left, a new one took the same share
        last = np.maximum(off + npers - 1, 0)
        last_start = pstart[last] if len(pstart) else np.zeros(ne, dtype=np.int64)
        rep = ((npers > 0) & (limit - est >= 400) & (last_start + 1 <= limit)
               & (rng.random(ne) < 0.05))
        rep_row = last[rep]
        rep_day = _between(rng, np.maximum(est[rep] + 200, pstart[rep_row] + 1), limit[rep])
        pend[rep_row] = rep_day
        n_rep = int(rep.sum())
        both = _distinct(
            np.concatenate([grp, np.flatnonzero(rep)]),
            np.concatenate([person, rng.integers(0, w.m, n_rep)]),
            np.concatenate([lrh, np.zeros(n_rep, dtype=bool)]),
            w.m, rng,
        )
        person, newcomer = both[: len(pe)], both[len(pe) :]
        add(pe, 0, person, bp, pstart, pend)
        add(ents[rep], 0, newcomer, bp[rep_row], rep_day)
        a, b = np.searchsorted(w.fs_e, [lo, hi])
        add(w.fs_e[a:b], 0, w.fs_p[a:b], np.full(b - a, -1), w.fs_s[a:b])

        e = np.concatenate(parts_e)
        o = np.argsort(e, kind="stable")
        e = e[o]
        kind = np.concatenate(parts_kind)[o]
        h = np.concatenate(parts_h)[o]
        bp = np.concatenate(parts_bp)[o]
        start = np.concatenate(parts_start)[o]
        end = np.concatenate(parts_end)[o]
        # disclosure: percent and amount / amount only / percent only / neither
        mode_e = rng.choice(4, size=hi - lo, p=[0.72, 0.18, 0.06, 0.04])
        mode_e[w.type[self.idx] == _T_LP] = np.where(rng.random(int((w.type[self.idx] == _T_LP)
                                                                    .sum())) < 0.8, 1, 0)
        mode = mode_e[e - lo]
        cap = w.cap[e]
        amount = np.where((bp >= 0) & (cap >= 0), cap * np.maximum(bp, 0) // 10_000, -1)
        pct = np.where(np.isin(mode, [0, 2]), bp, -1)
        amt = np.where(np.isin(mode, [0, 1]), amount, -1)

        n = len(e)
        hid: list[str] = [""] * n
        hname: list[str] = [""] * n
        for k in range(3):
            sel = np.flatnonzero(kind == k)
            if not len(sel):
                continue
            ids, names = w.labels(k, h[sel])
            for j, i, nm in zip(sel.tolist(), ids, names, strict=True):
                hid[j] = i
                hname[j] = nm
        self.sink.write("shareholdings", [
            self.u(e), hid, _pick(("person", "enterprise", "other"), kind), hname,
            _fmt_hundredths(pct), _fmt_hundredths(amt), _dates(start), _dates(end),
        ])
        # for officers and pledges
        cur = (end < 0) & (start <= TODAY)
        self.h_e, self.h_kind, self.h_h = e[cur], kind[cur], h[cur]
        self.h_amount, self.h_start = amount[cur], start[cur]
        self.h_id = [hid[j] for j in np.flatnonzero(cur).tolist()]
        self.h_name = [hname[j] for j in np.flatnonzero(cur).tolist()]
        # person holders per enterprise, in order (first is the legal rep when he holds)
        hmat = np.full((hi - lo, 5), -1, dtype=np.int64)
        col = np.arange(len(pe)) - off[grp]
        fits = col < 5
        hmat[pe[fits] - lo, col[fits]] = person[fits]
        self.holder_persons = hmat

    # -- officers --------------------------------------------------------
    def officers(self) -> None:
        w, rng, idx = self.w, self.rng, self.idx
        n = len(idx)
        typ = w.type[idx]
        est, limit = w.est[idx], w.limit[idx]
        r = rng.random(n)
        small = rng.choice(4, size=n, p=[0.45, 0.2, 0.1, 0.25])
        board = 4 + rng.choice(3, size=n, p=[0.5, 0.2, 0.3])
        big = (w.cap[idx] >= 100_000) | np.isin(typ, [_T_CORP, _T_OTHER, _T_STATE])
        tpl = np.where(big & (r < 0.6), board, small)
        tpl = np.where(np.isin(typ, [_T_JS, _T_JS2]), 7 + (r < 0.5), tpl)
        tpl = np.where(typ == _T_LP, 9, tpl)
        tpl = np.where(np.isin(typ, [_T_BANK_BRANCH, _T_BANK_BRANCH_SOE]), 10, tpl)
        tpl = np.where(typ == _T_BANK_HEAD, 11, tpl)
        length = _TPL_LEN[tpl]
        loc = np.repeat(np.arange(n), length)
        pos = np.arange(len(loc)) - np.repeat(np.cumsum(length) - length, length)
        flat = _TPL_OFF[tpl][loc] + pos
        role = _TPL_ROLE[flat]
        slot = _TPL_SLOT[flat]
        lr = w.lr[idx]
        people = rng.integers(0, w.m, (n, _MAX_SLOT))
        people[:, 0] = lr
        # officers are often shareholders too (family firms, founders on the board)
        shift = w.lr_is_holder[idx].astype(np.int64)
        rows = np.arange(n)
        for s in range(1, 5):
            c = s - 1 + shift
            cand = np.where(c < 5, self.holder_persons[rows, np.minimum(c, 4)], -1)
            use = (cand >= 0) & (rng.random(n) < 0.7)
            people[use, s] = cand[use]
        people = _distinct(
            np.repeat(np.arange(n), _MAX_SLOT), people.ravel(),
            np.tile(np.arange(_MAX_SLOT) == 0, n), w.m, rng,
        ).reshape(n, _MAX_SLOT)
        sstart = np.where(rng.random((n, _MAX_SLOT)) < 0.7, est[:, None],
                          _between(rng, np.repeat(est[:, None], _MAX_SLOT, 1),
                                   np.repeat(limit[:, None], _MAX_SLOT, 1)))
        sstart[:, 0] = w.lr_start[idx]
        o_e = idx[loc]
        o_p = people[loc, slot]
        o_r = role
        o_s = sstart[loc, slot]
        o_end = np.full(len(loc), -1, dtype=np.int64)
        # the previous legal representative, in the same slot-0 roles
        hist = (slot == 0) & w.lr_changed[o_e]
        h_e = o_e[hist]
        parts = [
            (o_e, o_p, o_r, o_s, o_end),
            (h_e, w.prev_lr[h_e], role[hist], w.est[h_e], w.lr_start[h_e]),
        ]
        # a former supervisor / director / manager
        fm = (rng.random(n) < 0.06) & (limit - est > 60) & (tpl <= 8)
        f_e = idx[fm]
        f_end = _between(rng, est[fm] + 30, limit[fm])
        parts.append((f_e, rng.integers(0, w.m, len(f_e)),
                      rng.choice([_SU, _DI, _MA], size=len(f_e)), est[fm], f_end))
        a, b = np.searchsorted(w.xo_e, [self.lo, self.hi])
        parts.append((w.xo_e[a:b], w.xo_p[a:b], w.xo_r[a:b], w.xo_s[a:b], w.xo_end[a:b]))
        e = np.concatenate([p[0] for p in parts])
        o = np.argsort(e, kind="stable")
        e = e[o]
        p = np.concatenate([x[1] for x in parts])[o]
        rl = np.concatenate([x[2] for x in parts])[o]
        st = np.concatenate([x[3] for x in parts])[o]
        en = np.concatenate([x[4] for x in parts])[o]
        keep = _first_of_keys(e, p, rl, st)  # the officer key of DATA.md
        e, p, rl, st, en = e[keep], p[keep], rl[keep], st[keep], en[keep]
        self.sink.write("officers", [
            self.u(e), w.person_ids(p), list(w.person_names(p).tolist()), _pick(ROLES, rl),
            _dates(st), _dates(en),
        ])
        # a second person named liable in a liquidation: director / manager
        cand = (slot != 0) & np.isin(role, [_DI, _MA, _CH])
        first_loc, first_row = np.unique(loc[cand], return_index=True)
        liable2 = np.full(n, -1, dtype=np.int64)
        liable2[first_loc] = people[loc[cand][first_row], slot[cand][first_row]]
        self.liable2 = liable2

    # -- equity pledges --------------------------------------------------
    def pledges(self) -> None:
        w, rng = self.w, self.rng
        ok = np.isin(self.h_kind, [0, 1])
        he = self.h_e[ok]
        if not len(he):
            return
        rows = np.flatnonzero(ok)
        uniq, first, cnt = np.unique(he, return_index=True, return_counts=True)
        chosen = uniq[rng.random(len(uniq)) < 0.03]
        if not len(chosen):
            return
        pos = np.searchsorted(uniq, chosen)
        row = rows[first[pos] + np.floor(rng.random(len(chosen)) * cnt[pos]).astype(np.int64)]
        e = self.h_e[row]
        lo_d = np.maximum.reduce([self.h_start[row], w.est[e] + 30,
                                  np.full(len(e), _d(2008, 10, 1))])
        good = w.limit[e] >= lo_d
        row, e, lo_d = row[good], e[good], lo_d[good]
        k = len(e)
        reg_on = _between(rng, lo_d, w.limit[e])
        invalid = rng.random(k) < 0.3
        canc = np.where(invalid, np.minimum(reg_on + rng.integers(30, 1500, k), TODAY), -1)
        amount = np.where(self.h_amount[row] >= 0,
                          (self.h_amount[row] * rng.uniform(0.3, 1.0, k)).astype(np.int64),
                          -1)
        bank = rng.random(k) < 0.75
        bank_e = w.bank_idx[rng.choice(len(w.bank_idx), size=k, p=w.bank_p)]
        pers = rng.integers(0, w.m, k)
        bank_id = w.usccs(bank_e)
        bank_nm = w.ent_names(bank_e).tolist()
        p_id = w.person_ids(pers)
        p_nm = w.person_names(pers).tolist()
        div = w.u_div[w.unit[e]].tolist()
        years = _YEAR[reg_on].tolist()
        reg_no = []
        for d, y in zip(div, years, strict=True):
            reg_no.append(f"{d}{y}{self._next('pledge'):07d}")
        self.sink.write("equity_pledges", [
            reg_no, self.u(e),
            [self.h_id[j] for j in row.tolist()],
            _pick(("person", "enterprise", "other"), self.h_kind[row]),
            [self.h_name[j] for j in row.tolist()],
            [bank_id[j] if bank[j] else p_id[j] for j in range(k)],
            ["enterprise" if x else "person" for x in bank.tolist()],
            [bank_nm[j] if bank[j] else p_nm[j] for j in range(k)],
            _fmt_hundredths(amount), _dates(reg_on),
            ["invalid" if x else "valid" for x in invalid.tolist()], _dates(canc),
        ])

    # -- chattel mortgages -----------------------------------------------
    def mortgages(self) -> None:
        w, rng = self.w, self.rng
        a, b = np.searchsorted(w.mort_ent, [self.lo, self.hi])
        ents, house = w.mort_ent[a:b], w.mort_bank[a:b]
        if not len(ents):
            return
        cnt = rng.choice([1, 2, 3], size=len(ents), p=[0.75, 0.18, 0.07])
        e = np.repeat(ents, cnt)
        first = np.zeros(len(e), dtype=bool)
        first[np.cumsum(cnt) - cnt] = True
        k = len(e)
        r = rng.random(k)
        rank = np.where(first | (r < 0.5), np.repeat(house, cnt),
                        rng.choice(len(w.bank_idx), size=k, p=w.bank_p))
        kind = np.where(first | (r < 0.9), 1, np.where(r < 0.95, 0, 2))  # 1 bank, 0 person
        bank_e = w.bank_idx[rank]
        lease = w.active_idx[rng.integers(0, len(w.active_idx), k)]
        pers = rng.integers(0, w.m, k)
        mee = np.where(kind == 2, lease, bank_e)
        ids_e = w.usccs(mee)
        nms_e = w.ent_names(mee).tolist()
        ids_p = w.person_ids(pers)
        nms_p = w.person_names(pers).tolist()
        lo_d = np.maximum(w.est[e] + 30, _d(2008, 1, 1))
        reg_on = _between(rng, lo_d, w.limit[e])
        amount = np.round(np.exp(rng.normal(math.log(300), 1.2, k)) * 100).astype(np.int64)
        invalid = rng.random(k) < 0.35
        canc = np.where(invalid, np.minimum(reg_on + rng.integers(60, 1800, k), TODAY), -1)
        div = w.u_div[w.unit[e]].tolist()
        years = _YEAR[reg_on].tolist()
        reg_no = [f"{d}{y}{self._next('mortgage'):06d}" for d, y in zip(div, years, strict=True)]
        self.sink.write("chattel_mortgages", [
            reg_no, self.u(e), _const("enterprise", k), self.nm(e),
            [ids_p[j] if kind[j] == 0 else ids_e[j] for j in range(k)],
            ["person" if x == 0 else "enterprise" for x in kind.tolist()],
            [nms_p[j] if kind[j] == 0 else nms_e[j] for j in range(k)],
            _fmt_hundredths(amount), _dates(reg_on), list(w.authority(e).tolist()),
            ["invalid" if x else "valid" for x in invalid.tolist()], _dates(canc),
            _pick(_COLLATERAL, rng.integers(0, len(_COLLATERAL), k)),
        ])

    # -- enterprise list entries -----------------------------------------
    def lists(self) -> None:
        w, rng, idx = self.w, self.rng, self.idx
        lo_d = np.maximum(w.est[idx] + 180, _d(2014, 10, 1))
        ab = ~w.is_bank[idx] & (w.limit[idx] >= lo_d + 30) & (rng.random(len(idx)) < 0.03)
        e = idx[ab]
        k = len(e)
        listed = _between(rng, lo_d[ab], w.limit[e])
        p = np.array([x[2] for x in _ABNORMAL_REASONS])
        reason = rng.choice(len(p), size=k, p=p / p.sum())
        removed = np.where(
            rng.random(k) < 0.4, listed + rng.integers(30, 1000, k), -1
        )
        removed[removed > TODAY] = -1
        # a second listing for some after removal
        again = (removed >= 0) & (removed + 60 <= w.limit[e]) & (rng.random(k) < 0.1)
        e2 = e[again]
        listed2 = _between(rng, removed[again] + 30, w.limit[e2])
        reason2 = rng.choice(len(p), size=len(e2), p=p / p.sum())
        # escalations to the serious illegal list: three years on the abnormal list first
        a, b = np.searchsorted(w.si_ent, [self.lo, self.hi])
        si_e, si_day, si_reason = w.si_ent[a:b], w.si_day[a:b], w.si_reason[a:b]
        esc = si_reason == 0
        e3 = si_e[esc]
        listed3 = si_day[esc] - 3 * 365 - rng.integers(1, 60, len(e3))
        ab_e = np.concatenate([e, e2, e3])
        ab_l = np.concatenate([listed, listed2, listed3])
        ab_r = np.concatenate([reason, reason2, np.ones(len(e3), dtype=np.int64)])
        ab_rm = np.concatenate([removed, np.full(len(e2) + len(e3), -1, dtype=np.int64)])
        o = np.lexsort((ab_l, ab_e))
        ab_e, ab_l, ab_r, ab_rm = ab_e[o], ab_l[o], ab_r[o], ab_rm[o]
        keep = _first_of_keys(ab_e, ab_l)
        ab_e, ab_l, ab_r, ab_rm = ab_e[keep], ab_l[keep], ab_r[keep], ab_rm[keep]
        na = len(ab_e)
        self.sink.write("list_entries", [
            self.u(ab_e), _const("enterprise", na), _const("abnormal_operations", na),
            _pick([x[0] for x in _ABNORMAL_REASONS], ab_r), list(w.authority(ab_e).tolist()),
            _dates(ab_l), _dates(ab_rm),
            [_ABNORMAL_REASONS[r][1] if m >= 0 else "" for r, m in
             zip(ab_r.tolist(), ab_rm.tolist(), strict=True)],
            _const("", na),
        ])
        # serious illegal
        ns = len(si_e)
        if ns:
            rem = w.si_removed[a:b]
            rmr = w.si_removal[a:b]
            docs = []
            for un, y in zip(w.unit[si_e].tolist(), _YEAR[si_day].tolist(), strict=True):
                pre = w.u_prefix[un]
                docs.append(f"{pre}信〔{y}〕{self._next(pre + '信' + str(y))}号")
            self.sink.write("list_entries", [
                self.u(si_e), _const("enterprise", ns), _const("serious_illegal", ns),
                _pick(_SI_REASONS, si_reason), list(w.authority(si_e).tolist()),
                _dates(si_day), _dates(rem),
                _pick(("", "信用修复，期满移出", "列入决定被依法撤销"), rmr), docs,
            ])

    # -- administrative penalties ----------------------------------------
    def penalties(self) -> None:
        w, rng, idx = self.w, self.rng, self.idx
        lo_d = np.maximum(w.est[idx] + 30, _d(2012, 1, 1))
        sel = ~w.is_bank[idx] & (w.limit[idx] >= lo_d) & (rng.random(len(idx)) < 0.02)
        e = idx[sel]
        e = np.sort(np.concatenate([e, e[rng.random(len(e)) < 0.1]]))
        k = len(e)
        if not k:
            return
        day = _between(rng, np.maximum(w.est[e] + 30, _d(2012, 1, 1)), w.limit[e])
        vt = rng.integers(0, len(_VIOLATIONS), k)
        fine = (rng.integers(1, 200, k) * 1000).tolist()
        gain = rng.integers(0, 50_000, k).tolist()
        kind = rng.integers(0, 3, k).tolist()
        docs: list[str] = []
        content: list[str] = []
        for j, (un, y) in enumerate(zip(w.unit[e].tolist(), _YEAR[day].tolist(), strict=True)):
            pre = w.u_prefix[un]
            docs.append(f"{pre}罚〔{y}〕{self._next(pre + '罚' + str(y))}号")
            what = _VIOLATIONS[int(vt[j])][1]
            if kind[j] == 0:
                content.append(f"{what}；警告")
            elif kind[j] == 1:
                content.append(f"{what}；罚款人民币{fine[j]}元")
            else:
                content.append(f"{what}；没收违法所得{gain[j]}元，并处罚款人民币{fine[j]}元")
        self.sink.write("penalties", [
            self.u(e), docs, _pick([v[0] for v in _VIOLATIONS], vt), content,
            list(w.authority(e).tolist()), _dates(day),
        ])

    # -- lifecycle events ------------------------------------------------
    def events(self) -> None:
        w, rng, idx, lo = self.w, self.rng, self.idx, self.lo
        ev = w.ev[idx]
        rows: list[tuple[int, str, int, str, str, str]] = []
        has = np.flatnonzero(ev != _EV_NONE)
        pid_lr = w.person_ids(w.lr[idx[has]])
        l2 = self.liable2[has]
        pid_l2 = w.person_ids(np.maximum(l2, 0))
        rnd = rng.random(len(has)).tolist()
        for j, loc in enumerate(has.tolist()):
            e = lo + loc
            kind = int(ev[loc])
            day = int(w.ev_day[e])
            auth = str(w.u_auth[w.unit[e]])
            city = str(w.city_name[w.u_city[w.unit[e]]])
            liable = ""
            if w.liable[e]:
                liable = pid_lr[j]
                if kind == _EV_LIQ and l2[j] >= 0 and rnd[j] < 0.5:
                    liable += ";" + pid_l2[j]
            if kind == _EV_REVOKED:
                rows.append((e, "licence_revoked", day,
                             _REVOKE_REASONS[int(rnd[j] * 1000) % 3], auth, liable))
            elif kind == _EV_CLOSED:
                why, who = _CLOSE_REASONS[int(rnd[j] * 1000) % 2]
                rows.append((e, "ordered_closed", day, why, city + who, liable))
            elif kind == _EV_LIQ:
                rows.append((e, "bankruptcy_liquidated", day, "破产程序终结",
                             city + "中级人民法院", liable))
                rows.append((e, "deregistered", int(w.status_day[e]), "破产程序终结", auth, ""))
            elif kind == _EV_DEREG:
                rows.append((e, "deregistered", day, _DEREG_REASONS[int(rnd[j] * 1000) % 3],
                             auth, ""))
            elif kind == _EV_REGREV:
                rows.append((e, "registration_revoked", day, "提交虚假材料取得公司登记",
                             auth, ""))
        if not rows:
            return
        e_arr = np.array([r[0] for r in rows], dtype=np.int64)
        self.sink.write("enterprise_events", [
            self.u(e_arr), [r[1] for r in rows], _dates(np.array([r[2] for r in rows])),
            [r[3] for r in rows], [r[4] for r in rows], [r[5] for r in rows],
        ])


# ---------------------------------------------------------------------------
# persons and the lists about them

_NATIONALITIES = ("中国", "中国香港", "中国台湾", "美国", "新加坡", "加拿大")


def _write_persons(w: _World, sink: _Sink) -> None:
    for lo in range(0, w.m, PERSON_BLOCK):
        hi = min(w.m, lo + PERSON_BLOCK)
        idx = np.arange(lo, hi, dtype=np.int64)
        div = w.u_div[w.p_unit[idx]]
        div = np.where(div % 10_000 == 0, div + 101, np.where(div % 100 == 0, div + 1, div))
        tail = w.p_tail[idx]
        nat = w.p_nat[idx]
        rng = np.random.default_rng(np.random.SeedSequence([w.seed, 3, lo // PERSON_BLOCK]))
        chk = rng.integers(0, 10, len(idx))
        ids: list[str] = []
        for d, t, x, c, nt in zip(div.tolist(), tail.tolist(), w.p_x[idx].tolist(),
                                  chk.tolist(), nat.tolist(), strict=True):
            if nt == 0:
                ids.append(f"{d}********{t:03d}{'X' if x else c}")
            elif nt == 1:
                ids.append(f"H{t:03d}{c}****")
            elif nt == 2:
                ids.append(f"{c}{t:03d}****")
            else:
                ids.append(f"E{c}{t % 100:02d}****{t // 100}")
        sink.write("persons", [
            w.person_ids(idx), list(w.person_names(idx).tolist()), ids,
            _pick(_NATIONALITIES, nat),
        ])


def _write_person_lists(w: _World, sink: _Sink) -> None:
    g = np.random.default_rng(np.random.SeedSequence([w.seed, 4]))
    m = w.m

    def people(k: int, share_lr: float) -> Arr:
        a = w.lr_pool(g, round(share_lr * k))
        b = g.integers(0, m, k - len(a))
        return np.unique(np.concatenate([a, b]))

    def court(k: int) -> tuple[list[str], list[str]]:
        unit = g.integers(0, len(w.u_div), k)
        return list(w.u_court[unit].tolist()), [w.u_court_code[u] for u in unit.tolist()]

    # dishonest debtors (失信被执行人)
    dd = people(max(3, round(0.005 * m)), 0.7)
    k = len(dd)
    listed = _between(g, np.full(k, _d(2014, 1, 1)), np.full(k, TODAY))
    removed = np.where(g.random(k) < 0.35, listed + g.integers(60, 1500, k), -1)
    removed[removed > TODAY] = -1
    auth, code = court(k)
    case = g.integers(1, 20_000, k).tolist()
    years = _YEAR[listed].tolist()
    docs = [f"（{y}）{c}执{n}号" for y, c, n in zip(years, code, case, strict=True)]
    rr = g.integers(0, len(_DD_REMOVALS), k)
    sink.write("list_entries", [
        w.person_ids(dd), _const("person", k), _const("dishonest_debtor", k),
        _pick(_DD_REASONS, g.integers(0, len(_DD_REASONS), k)), auth, _dates(listed),
        _dates(removed),
        [_DD_REMOVALS[r] if x >= 0 else "" for r, x in zip(rr.tolist(), removed.tolist(),
                                                          strict=True)],
        docs,
    ])
    # consumption restricted (限制高消费): mostly the same cases
    kc = max(2, round(0.003 * m))
    same = g.choice(k, min(k, round(0.6 * kc)), replace=False)
    other = np.setdiff1d(people(kc - len(same), 0.7), dd)
    cr = np.concatenate([dd[same], other])
    c_listed = np.concatenate([listed[same], _between(g, np.full(len(other), _d(2016, 1, 1)),
                                                      np.full(len(other), TODAY))])
    c_removed = np.concatenate([removed[same], np.full(len(other), -1, dtype=np.int64)])
    c_docs = [docs[j] for j in same.tolist()] + [
        f"（{y}）{c}执{n}号" for y, c, n in zip(
            _YEAR[c_listed[len(same):]].tolist(), court(len(other))[1],
            g.integers(1, 20_000, len(other)).tolist(), strict=True)
    ]
    c_auth = [auth[j] for j in same.tolist()] + court(len(other))[0]
    o = np.argsort(cr, kind="stable")
    kc = len(cr)
    sink.write("list_entries", [
        w.person_ids(cr[o]), _const("person", kc), _const("consumption_restricted", kc),
        _const("被执行人未按执行通知书指定的期间履行生效法律文书确定的给付义务", kc),
        [c_auth[j] for j in o.tolist()], _dates(c_listed[o]), _dates(c_removed[o]),
        ["已履行完毕" if x >= 0 else "" for x in c_removed[o].tolist()],
        [c_docs[j] for j in o.tolist()],
    ])
    # criminal sentences served (刑事判决): people who hold posts
    cs = np.unique(w.lr_pool(g, max(3, round(0.0005 * m))))
    k3 = len(cs)
    served = _between(g, np.full(k3, _d(2016, 1, 1)), np.full(k3, TODAY))
    crime = g.integers(0, len(_CRIMES), k3)
    crime[: min(2, k3)] = [0, 2][: min(2, k3)]  # a served sentence and a probation at least
    unit = g.integers(0, len(w.u_div), k3)
    c_docs3 = [
        f"（{y - int(t)}）{w.u_court_code[u]}刑初{n}号"
        for y, t, u, n in zip(_YEAR[served].tolist(), g.integers(2, 6, k3).tolist(),
                              unit.tolist(), g.integers(1, 3000, k3).tolist(), strict=True)
    ]
    sink.write("list_entries", [
        w.person_ids(cs), _const("person", k3), _const("criminal_sentence", k3),
        _pick([c[0] for c in _CRIMES], crime), list(w.u_court[unit].tolist()),
        _dates(served), _const("", k3), _const("", k3), c_docs3,
    ])


def generate(
    out_dir: Path, enterprises: int, seed: int, progress: bool | Progress = False
) -> dict[str, int]:
    """Write a synthetic dataset folder of ``enterprises`` enterprises.

    Returns the number of data rows written per section (file stem).  The
    same ``seed`` and size give byte-identical files.  ``progress`` may be
    ``True`` (a rich progress bar on the console) or a running
    ``rich.progress.Progress`` to add a task to.
    """
    if enterprises < 50:
        raise ValueError("enterprises must be at least 50")
    out_dir = Path(out_dir)
    own: Progress | None = None
    prog: Progress | None = None
    if isinstance(progress, Progress):
        prog = progress
    elif progress:
        own = prog = Progress()
        own.start()
    n_chunks = -(-enterprises // CHUNK)
    task = prog.add_task("generating dataset", total=n_chunks + 2) if prog else None
    sink: _Sink | None = None
    try:
        world = _World(enterprises, seed)
        if prog is not None and task is not None:
            prog.advance(task)
        sink = _Sink(out_dir)
        counters: dict[str, int] = {}
        for lo in range(0, enterprises, CHUNK):
            _Chunk(world, lo, min(enterprises, lo + CHUNK), sink, counters).run()
            if prog is not None and task is not None:
                prog.advance(task)
        _write_persons(world, sink)
        _write_person_lists(world, sink)
        if prog is not None and task is not None:
            prog.advance(task)
        return dict(sink.counts)
    finally:
        if sink is not None:
            sink.close()
        if own is not None:
            own.stop()
