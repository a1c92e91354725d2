"""Controlled vocabularies for sites, clusters and indicators, with Chinese and English labels."""

from __future__ import annotations

# Each vocabulary maps a stored code to (Chinese label, English label).
INDUSTRIES: dict[str, tuple[str, str]] = {
    "copper": ("铜", "Copper"),
    "tungsten": ("钨", "Tungsten"),
    "rare_earth": ("稀土", "Rare earths"),
    "steel": ("钢铁", "Steel"),
    "nonferrous": ("有色金属", "Non-ferrous metals"),
    "nonferrous_recycling": ("再生有色金属", "Non-ferrous recycling"),
    "recycled_steel": ("再生钢铁", "Recycled steel"),
    "battery_recycling": ("动力电池回收", "Battery recycling"),
    "urban_mining": ("城市矿产", "Urban mining"),
    "solid_waste": ("固废综合利用", "Solid-waste utilisation"),
    "petrochemical": ("石化", "Petrochemicals"),
    "fluorine_chemicals": ("氟化工", "Fluorine chemicals"),
    "salt_chemicals": ("盐化工", "Salt chemicals"),
    "silicone": ("有机硅", "Silicone"),
    "sulfur_phosphorus_chemicals": ("硫磷化工", "Sulphur and phosphorus chemicals"),
    "chemicals": ("化工", "Chemicals"),
    "pharmaceuticals": ("医药", "Pharmaceuticals"),
    "building_materials": ("建材", "Building materials"),
    "cement": ("水泥", "Cement"),
    "ceramics": ("陶瓷", "Ceramics"),
    "glass": ("玻璃", "Glass"),
    "flat_glass": ("平板玻璃", "Flat glass"),
    "synthetic_ammonia": ("合成氨", "Synthetic ammonia"),
    "lithium": ("锂电", "Lithium"),
    "photovoltaic": ("光伏", "Photovoltaics"),
    "LED": ("LED", "LED"),
    "electronics": ("电子信息", "Electronics"),
    "aviation": ("航空", "Aviation"),
    "new_energy_vehicles": ("新能源汽车", "New-energy vehicles"),
    "motors": ("电机", "Motors"),
    "power_equipment": ("输变电装备", "Power transmission equipment"),
    "textiles": ("纺织", "Textiles"),
    "chemical_fibre": ("化纤", "Chemical fibre"),
    "paper": ("造纸", "Paper"),
    "food": ("食品", "Food"),
    "coal_power": ("煤电", "Coal power"),
    "energy_saving_equipment": ("节能环保装备", "Energy-saving equipment"),
    "automotive": ("汽车（含节能汽车）", "Automotive"),
    "recycled_resources": ("再生资源", "Recycled resources"),
    "rare_metals": ("稀有金属", "Rare metals"),
    "electric_power": ("电力", "Electric power"),
    "mixed": ("综合", "Mixed"),
    # Industries a source does not state: kept explicit so users see the gap and can fill it.
    "unknown": ("未注明", "Not stated"),
}

SITE_KINDS: dict[str, tuple[str, str]] = {
    "park": ("园区", "Industrial park"),
    "development_zone": ("开发区", "Development zone"),
    "customs_zone": ("海关特殊监管区域", "Special customs zone"),
    "recycling_base": ("再生资源基地", "Recycling base"),
    "solid_waste_base": ("固废综合利用基地", "Solid-waste utilisation base"),
    "chemical_park": ("化工园区", "Chemical park"),
    "cluster_node": ("产业集群节点", "Cluster node"),
    "plant": ("企业/工厂", "Plant or firm"),
    "county_base": ("县域基地", "County-wide base"),
}

LEVELS: dict[str, tuple[str, str]] = {
    "national": ("国家级", "National"),
    "provincial": ("省级", "Provincial"),
    "other": ("其他", "Other"),
    "unknown": ("未知", "Unknown"),
}

# Why a site carries its level when no source states it in those words (blank: a source does).
LEVEL_BASES: dict[str, tuple[str, str]] = {
    "inferred": ("推断，无来源明示", "inferred, no source states it"),
    "chemical_park_recognition": ("指省级认定的化工园区，不是园区本身的级别", "the provincial recognition as a chemical park, not the park's own level"),
}

RETROFIT_STATUSES: dict[str, tuple[str, str]] = {
    "completed": ("已完成", "Completed"),
    "in_progress": ("推进中", "In progress"),
    "pilot": ("列为试点（进展未知）", "Named a pilot (progress unknown)"),
    "planned": ("已规划", "Planned"),
    "not_started": ("未开始", "Not started"),
    "unknown": ("未知", "Unknown"),
}

GREEN_PARK_STATUSES: dict[str, tuple[str, str]] = {
    "national_green_park": ("国家级绿色园区", "National green park"),
    "provincial_green_park": ("省级绿色园区", "Provincial green park"),
    "planned_upgrade": ("列入绿色化升级", "Listed for green upgrade"),
    "unknown": ("未知", "Unknown"),
}

LOCATION_KINDS: dict[str, tuple[str, str]] = {
    "boundary": ("边界", "Boundary"),
    "point": ("点位", "Point"),
    "range": ("所在区域（非实际位置）", "Unit only (not a location)"),
    "none": ("位置未知（不上图）", "Location unknown (not mapped)"),
}

PRECISIONS: dict[str, tuple[str, str]] = {
    "surveyed": ("测量点位", "Surveyed"),
    "town": ("乡镇级", "Town level"),
    "county": ("县级（位置不精确）", "County level (not a precise location)"),
    "prefecture": ("设区市级（位置不精确）", "Prefecture level (not a precise location)"),
    "none": ("位置未知（不上图）", "Location unknown (not mapped)"),
}


def label(vocabulary: dict[str, tuple[str, str]], code: str, lang: str = "zh") -> str:
    """The display label of a code; unknown codes are shown as they are."""
    pair = vocabulary.get(code)
    return code if pair is None else pair[1 if lang == "en" else 0]
