from skillcert.regions.gbt2260 import read_divisions
from skillcert.regions.models import Region, RegionLevel
from skillcert.regions.selectors import province_prefectures, region_subtree


def test_whole_country_is_loaded_with_jiangsu_prefectures(db):
    assert Region.objects.filter(level=RegionLevel.PROVINCE).count() >= 34
    assert Region.objects.get(code="320000").name == "江苏省"
    assert Region.objects.get(code="510000").name == "四川省"
    assert province_prefectures(province_code="32").count() == 13


def test_subtree_is_a_code_prefix(db):
    nanjing = Region.objects.get(code="320100")
    codes = set(region_subtree(region=nanjing).values_list("code", flat=True))
    assert "320102" in codes
    assert "320505" not in codes


def test_history_marks_abolished_divisions_inactive():
    divisions = {d.code: d for d in read_divisions()}
    assert divisions["320103"].name == "白下区"
    assert divisions["320103"].active is False
    assert divisions["320104"].active is True
