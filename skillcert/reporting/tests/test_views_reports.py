import pytest
from django.utils import timezone

from skillcert.accounts.actors import SystemActor
from skillcert.regions.models import Region
from skillcert.reporting.models import StatisticsReport
from skillcert.reporting.services import previous_period, statistics_report_generate


@pytest.fixture
def reports(personas):
    period = previous_period(kind="monthly", today=timezone.localdate())
    return {
        code: statistics_report_generate(
            kind="monthly",
            period=period,
            region=Region.objects.get(code=code),
            actor=SystemActor("test"),
        )
        for code in ("320000", "320100", "320500")
    }


def test_officers_list_and_download_the_reports_of_their_area(personas, reports):
    nanjing = personas.client_for(personas.city_nanjing)
    page = nanjing.get("/reporting/reports/").content.decode()
    assert "南京市" in page and "苏州市" not in page and "江苏省" not in page
    pdf = nanjing.get(f"/reporting/reports/{reports['320100'].pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    xlsx = nanjing.get(f"/reporting/reports/{reports['320100'].pk}/xlsx/")
    assert xlsx.status_code == 200
    assert nanjing.get(f"/reporting/reports/{reports['320500'].pk}/pdf/").status_code == 404
    assert nanjing.get(f"/reporting/reports/{reports['320000'].pk}/pdf/").status_code == 404
    assert nanjing.get(f"/reporting/reports/{reports['320100'].pk}/doc/").status_code == 404
    province = personas.client_for(personas.province)
    assert province.get(f"/reporting/reports/{reports['320500'].pk}/pdf/").status_code == 200


def test_non_officers_get_no_reports(personas, reports):
    for user in (personas.clerk_a, personas.candidate):
        client = personas.client_for(user)
        assert client.get("/reporting/reports/").status_code == 404
        assert client.get(f"/reporting/reports/{reports['320100'].pk}/pdf/").status_code == 404


def test_generating_from_the_page_covers_the_officers_area(personas):
    period = previous_period(kind="yearly", today=timezone.localdate())
    answer = personas.client_for(personas.city_suzhou).post(
        "/reporting/reports/generate/", {"kind": "yearly", "period": period}
    )
    assert answer.status_code == 302
    assert list(StatisticsReport.objects.values_list("region_id", flat=True)) == ["320500"]
    personas.client_for(personas.province).post(
        "/reporting/reports/generate/", {"kind": "yearly", "period": period}
    )
    assert sorted(StatisticsReport.objects.values_list("region_id", flat=True)) == [
        "320000",
        "320100",
        "320500",
    ]


def test_a_bad_period_from_the_page_is_refused_with_a_message(personas):
    client = personas.client_for(personas.province)
    answer = client.post(
        "/reporting/reports/generate/", {"kind": "monthly", "period": "2026/10"}, follow=True
    )
    assert "统计期格式应为 2026-10" in answer.content.decode()
    assert not StatisticsReport.objects.exists()
