"""Places: the cities and districts enterprises and people are registered in, and their offices.

Each registration unit (a city or one of its districts) has a division code, a market
regulation bureau (the registration authority), a court, a prefix for the bureau's
decision numbers and a court code for case numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credgraph.generate.arrays import Arr, obj_array

CITIES: tuple[tuple[str, str, str, str, int, tuple[tuple[str, str], ...]], ...] = (
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
"""Per city: name, short name, abbreviation in decision numbers, division code, weight
(how many enterprises it registers, relatively) and districts (code, name)."""

_PROVINCE = {
    "44": "粤", "11": "京", "31": "沪", "33": "浙", "32": "苏", "51": "川", "42": "鄂",
    "50": "渝", "12": "津", "61": "陕", "43": "湘", "41": "豫", "37": "鲁", "35": "闽",
    "34": "皖", "21": "辽", "53": "云",
}
"""Province abbreviation by the first two digits of a division code (in court codes)."""


@dataclass(frozen=True)
class Geography:
    """The registration units: every city of CITIES, then each of its districts."""

    div: Arr
    """Division code per unit."""
    city: Arr
    """Index in CITIES per unit."""
    district_name: Arr
    """District name per unit ("" for a city)."""
    authority: Arr
    """Registration authority (market regulation bureau) per unit."""
    court: Arr
    """Court per unit (a city's intermediate court, a district's basic court)."""
    doc_prefix: list[str]
    """The bureau's prefix of decision numbers, e.g. 深福市监."""
    court_code: list[str]
    """The court's code in case numbers: 粤0305 for a district, 粤03 for a city."""
    is_district: Arr
    unit_of_city: Arr
    districts_of_city: list[list[int]]
    city_p: Arr
    """Probability of each city (its weight in CITIES)."""
    city_name: Arr
    city_short: Arr

    @classmethod
    def build(cls) -> Geography:
        div: list[int] = []
        city: list[int] = []
        district: list[str] = []
        auth: list[str] = []
        court: list[str] = []
        prefix: list[str] = []
        unit_of_city: list[int] = []
        districts_of_city: list[list[int]] = []
        for ci, (cname, _short, abbr, code, _w, dists) in enumerate(CITIES):
            unit_of_city.append(len(div))
            div.append(int(code))
            city.append(ci)
            district.append("")
            auth.append(f"{cname}市场监督管理局")
            court.append(f"{cname}中级人民法院")
            prefix.append(f"{abbr}市监")
            ds: list[int] = []
            for dcode, dname in dists:
                ds.append(len(div))
                div.append(int(dcode))
                city.append(ci)
                district.append(dname)
                auth.append(f"{cname}{dname}市场监督管理局")
                court.append(f"{cname}{dname}人民法院")
                prefix.append(f"{abbr}{dname[0]}市监")
            districts_of_city.append(ds)
        is_district = [u not in unit_of_city for u in range(len(div))]
        weights = np.array([c[4] for c in CITIES], dtype=float)
        return cls(
            div=np.array(div, dtype=np.int64),
            city=np.array(city, dtype=np.int64),
            district_name=obj_array(district),
            authority=obj_array(auth),
            court=obj_array(court),
            doc_prefix=prefix,
            court_code=[
                _PROVINCE[str(d)[:2]] + (str(d)[2:6] if isd else str(d)[2:4])
                for d, isd in zip(div, is_district, strict=True)
            ],
            is_district=np.array(is_district, dtype=bool),
            unit_of_city=np.array(unit_of_city, dtype=np.int64),
            districts_of_city=districts_of_city,
            city_p=weights / weights.sum(),
            city_name=obj_array([c[0] for c in CITIES]),
            city_short=obj_array([c[1] for c in CITIES]),
        )

    def pick_units(self, g: np.random.Generator, k: int) -> Arr:
        """k units: a city by weight, then one of its districts for about two thirds."""
        city = g.choice(len(CITIES), size=k, p=self.city_p)
        unit = self.unit_of_city[city].copy()
        r = g.random(k)
        for ci, ds in enumerate(self.districts_of_city):
            if not ds:
                continue
            m = (city == ci) & (r < 0.65)
            unit[m] = np.array(ds)[g.integers(0, len(ds), int(m.sum()))]
        return unit
