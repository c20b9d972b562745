"""Enterprise self-evaluation on the web and the API: the scheme per plan × occupation, the
four dimensions per candidate on the entry account (品德 first: a failed 品德 fails whatever
the rest), competition results and the direct channel (直评) with their evidence. Good input,
refused input beside its field with nothing changed, and the attackers: another
organisation's clerk, a candidate, anonymous, and an officer where the organisation acts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from skillcert.audit.models import AuditEvent
from skillcert.organizations.models import StoredFile
from skillcert.scoring.models import BatchStatus, EnterpriseScheme, Result, Route
from skillcert.scoring.services import batch_open
from skillcert.scoring.tests.flows import EVIDENCE, WEIGHTS, norm_acknowledge, norm_in_force

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _scheme_url(plan: Any, occupation: Any) -> str:
    return reverse("scoring:enterprise_scheme", args=[plan.pk, occupation.pk])


def _scheme_post(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "methods": ["process", "performance"],
        "weight_conduct": "0.2",
        "weight_ability": "0.4",
        "weight_performance": "0.3",
        "weight_contribution": "0.1",
        "evidence_conduct": ["peer_review", "opinion_survey"],
        "evidence_ability": ["assessment"],
        "evidence_performance": ["production_records"],
        "evidence_contribution": ["self_assessment"],
        "pass_mark": "60",
        "conduct_pass_mark": "70",
        "candidate_kinds": ["employee", "apprentice", "dispatched", "school_student"],
    }
    return data | changes


def _set_scheme(plan: Any, hr: Any, personas: Any) -> None:
    """The scheme, filed as a norm and acknowledged by the province (what evaluating needs)."""
    norm_in_force(plan=plan, occupation=hr, personas=personas)


def _scores(result: Result, **values: str) -> dict[str, str]:
    base = {"conduct": "90", "ability": "80", "performance": "70", "contribution": "60"}
    return {f"r{result.pk}-{k}": v for k, v in (base | values).items()}


def _field_error(page: str, label: str, message: str) -> bool:
    """The message is inside the field block whose label is `label` (beside its input)."""
    start = page.find(f">{label}</label>")
    if start < 0:
        return False
    end = page.find('<div class="field', start)
    return message in page[start : end if end > 0 else len(page)]


# --- the list of enterprise plans -----------------------------------------------------------


def test_plans_page_lists_occupations_searches_and_exports(enterprise: Any, personas: Any) -> None:
    plan, _, _ = enterprise
    clerk = personas.client_for(personas.clerk_a)
    url = reverse("scoring:enterprise_plans")
    page = clerk.get(url).content.decode()
    assert plan.code in page and "企业人力资源管理师" in page and "设置方案" in page
    assert plan.code not in clerk.get(url, {"q": "不存在的计划"}).content.decode()
    export = clerk.get(url, {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert plan.code not in personas.client_for(personas.clerk_b).get(url).content.decode()
    assert personas.client_for(personas.candidate).get(url).status_code == 404
    assert Client().get(url).status_code == 302


# --- the scheme -----------------------------------------------------------------------------


def test_clerk_sets_scheme_with_methods_dimensions_marks_and_kinds(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, _, _ = enterprise
    clerk = personas.client_for(personas.clerk_a)
    url = _scheme_url(plan, hr)
    assert "品德权重" in clerk.get(url).content.decode()
    response = clerk.post(url, _scheme_post())
    assert response.status_code == 302
    scheme = EnterpriseScheme.objects.get(plan=plan, occupation=hr)
    assert scheme.methods == ["process", "performance"]
    assert scheme.weights == WEIGHTS and scheme.evidence == EVIDENCE
    assert scheme.conduct_pass_mark == Decimal("70")
    assert scheme.candidate_kinds == ["employee", "apprentice", "dispatched", "school_student"]
    page = clerk.get(url).content.decode()
    assert "过程考核、业绩评审" in page and "合作院校学生" in page
    assert AuditEvent.objects.filter(action="enterprise_scheme.set").count() == 1


@pytest.mark.parametrize(
    ("changes", "label", "message"),
    [
        ({"methods": []}, "评价方式", "评价方式应为"),
        ({"weight_conduct": "0"}, "品德权重", "品德的权重应在 0 到 1 之间"),
        ({"weight_ability": "abc"}, "职业能力权重", "输入一个数字"),
        ({"evidence_performance": []}, "工作业绩评价方法", "工作业绩的评价方法应从"),
        ({"conduct_pass_mark": "120"}, "品德合格线", "应在 0 到 100 之间"),
        ({"candidate_kinds": []}, "参评人员类别", "参评人员类别应为"),
    ],
)
def test_scheme_refused_input_lands_beside_its_field(
    enterprise: Any, hr: Any, personas: Any, changes: Any, label: str, message: str
) -> None:
    plan, _, _ = enterprise
    response = personas.client_for(personas.clerk_a).post(
        _scheme_url(plan, hr), _scheme_post(**changes)
    )
    assert response.status_code == 200
    assert _field_error(response.content.decode(), label, message)
    assert not EnterpriseScheme.objects.exists()


def test_scheme_weights_not_summing_to_one_shown_on_the_dimensions(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, _, _ = enterprise
    response = personas.client_for(personas.clerk_a).post(
        _scheme_url(plan, hr), _scheme_post(weight_conduct="0.5")
    )
    page = response.content.decode()
    legend = page.index("<legend>")
    assert "四个维度的权重之和应为 1，当前为 1.3" in page[legend : page.index("</fieldset>")]
    assert not EnterpriseScheme.objects.exists()


def test_scheme_refused_to_other_org_candidate_anonymous_and_officer(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, _, _ = enterprise
    url = _scheme_url(plan, hr)
    assert personas.client_for(personas.clerk_b).post(url, _scheme_post()).status_code == 404
    assert personas.client_for(personas.candidate).post(url, _scheme_post()).status_code == 404
    assert personas.client_for(personas.candidate).get(url).status_code == 404
    anonymous = Client().post(url, _scheme_post())
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    # the officer over the region reads the scheme but the enterprise designs it
    officer = personas.client_for(personas.city_nanjing)
    assert officer.get(url).status_code == 200
    assert officer.post(url, _scheme_post()).status_code == 403
    assert not EnterpriseScheme.objects.exists()
    assert personas.client_for(personas.clerk_a).get(_scheme_url(plan, hr) + "x").status_code == 404


def test_scheme_page_404_for_occupation_not_in_plan(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    from skillcert.occupations.models import Occupation

    plan, _, _ = enterprise
    other, _ = Occupation.objects.get_or_create(code="6-31-01-03", defaults={"name": "汽车维修工"})
    url = _scheme_url(plan, other)
    assert personas.client_for(personas.clerk_a).get(url).status_code == 404


# --- the four dimensions ----------------------------------------------------------------------


def test_entry_account_evaluates_and_sees_weighted_score_and_verdict(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, batch = enterprise
    _set_scheme(plan, hr, personas)
    result = Result.objects.get(application=apps[0])
    clerk = personas.client_for(personas.clerk_a)
    page_url = reverse("scoring:enterprise_batch", args=[batch.pk])
    assert "保存评价" in clerk.get(page_url).content.decode()
    response = clerk.post(reverse("scoring:enterprise_evaluate", args=[result.pk]), _scores(result))
    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.weighted_score, result.passed) == (Decimal("77.0"), True)
    page = clerk.get(page_url).content.decode()
    assert "77.0" in page and "合格" in page
    export = clerk.get(page_url, {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="result.export", object_id=str(batch.pk)).exists()


def test_failed_conduct_fails_whatever_the_rest(enterprise: Any, hr: Any, personas: Any) -> None:
    plan, apps, batch = enterprise
    _set_scheme(plan, hr, personas)
    result = Result.objects.get(application=apps[1])
    clerk = personas.client_for(personas.clerk_a)
    clerk.post(
        reverse("scoring:enterprise_evaluate", args=[result.pk]),
        _scores(result, conduct="59", ability="100", performance="100", contribution="100"),
    )
    result.refresh_from_db()
    assert result.passed is False and result.weighted_score == Decimal("91.8")
    page = clerk.get(reverse("scoring:enterprise_batch", args=[batch.pk])).content.decode()
    assert "不合格" in page and "品德评价不合格，一票否决" in page


@pytest.mark.parametrize(
    ("values", "message"),
    [({"conduct": "abc"}, "输入一个数字"), ({"conduct": "120"}, "品德 应在 0 到 100 之间")],
)
def test_evaluation_refused_input_beside_field_nothing_changed(
    enterprise: Any, hr: Any, personas: Any, values: Any, message: str
) -> None:
    plan, apps, _ = enterprise
    _set_scheme(plan, hr, personas)
    result = Result.objects.get(application=apps[0])
    response = personas.client_for(personas.clerk_a).post(
        reverse("scoring:enterprise_evaluate", args=[result.pk]), _scores(result, **values)
    )
    assert response.status_code == 200
    assert _field_error(response.content.decode(), "品德", message)
    result.refresh_from_db()
    assert result.weighted_score is None and result.dimension_scores == {}


def test_evaluation_without_scheme_is_refused_with_message(enterprise: Any, personas: Any) -> None:
    _, apps, _ = enterprise
    result = Result.objects.get(application=apps[0])
    response = personas.client_for(personas.clerk_a).post(
        reverse("scoring:enterprise_evaluate", args=[result.pk]), _scores(result)
    )
    assert "该职业尚未设置企业评价方案" in response.content.decode()
    result.refresh_from_db()
    assert result.weighted_score is None


def test_evaluation_refused_to_attackers(enterprise: Any, hr: Any, personas: Any) -> None:
    plan, apps, batch = enterprise
    _set_scheme(plan, hr, personas)
    result = Result.objects.get(application=apps[0])
    url = reverse("scoring:enterprise_evaluate", args=[result.pk])
    data = _scores(result)
    assert personas.client_for(personas.clerk_b).post(url, data).status_code == 404
    assert personas.client_for(personas.candidate).post(url, data).status_code == 404
    assert Client().post(url, data).status_code == 302
    # the officer sees the batch but only the entry account enters
    assert personas.client_for(personas.city_nanjing).post(url, data).status_code == 403
    page = reverse("scoring:enterprise_batch", args=[batch.pk])
    assert personas.client_for(personas.clerk_b).get(page).status_code == 404
    assert personas.client_for(personas.candidate).get(page).status_code == 404
    result.refresh_from_db()
    assert result.weighted_score is None


def test_batch_page_leads_to_evaluation_where_the_entry_account_submits(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    """From the enterprise's batch page to the evaluation page, and back; there the entry
    account, and only it, finds the submission that locks entry."""
    plan, _, batch = enterprise
    _set_scheme(plan, hr, personas)
    evaluation = reverse("scoring:enterprise_batch", args=[batch.pk])
    batch_page = reverse("scoring:batch", args=[batch.pk])
    submit = reverse("scoring:batch_submit", args=[batch.pk])
    clerk = personas.client_for(personas.clerk_a)
    page = clerk.get(batch_page).content.decode()
    assert evaluation in page
    # no markers, blind scripts or answer files in a self-evaluation
    for name in ("scoring:batch_scripts", "scoring:batch_responses"):
        assert reverse(name, args=[batch.pk]) not in page
    officer_page = personas.client_for(personas.city_nanjing).get(evaluation).content.decode()
    assert batch_page in officer_page and submit not in officer_page
    for result in Result.objects.filter(batch=batch):
        clerk.post(reverse("scoring:enterprise_evaluate", args=[result.pk]), _scores(result))
    assert submit in clerk.get(evaluation).content.decode()
    assert clerk.post(submit).status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUBMITTED
    assert submit not in clerk.get(evaluation).content.decode()


def test_social_batch_page_sets_up_marking_without_enterprise_link(
    plan: Any, personas: Any
) -> None:
    batch = batch_open(plan=plan, actor=personas.clerk_a)
    response = personas.client_for(personas.clerk_a).get(reverse("scoring:batch", args=[batch.pk]))
    page = response.content.decode()
    assert reverse("scoring:enterprise_batch", args=[batch.pk]) not in page
    for name in ("scoring:batch_scripts", "scoring:batch_responses"):
        assert reverse(name, args=[batch.pk]) in page


# --- competition and the direct channel -------------------------------------------------------


def _recognise(client: Client, result: Result, **changes: Any) -> Any:
    data: dict[str, Any] = {
        "route": Route.COMPETITION,
        "decision": "pass",
        "note": "2026年江苏省人力资源技能大赛 第2名",
        "evidence": SimpleUploadedFile("获奖证书.pdf", PDF),
    }
    data |= changes
    return client.post(reverse("scoring:enterprise_recognise", args=[result.pk]), data)


def test_entry_account_records_competition_with_evidence(enterprise: Any, personas: Any) -> None:
    _, apps, batch = enterprise
    result = Result.objects.get(application=apps[0])
    clerk = personas.client_for(personas.clerk_a)
    form = clerk.get(reverse("scoring:enterprise_recognise", args=[result.pk])).content.decode()
    choices = form.split('enctype="multipart/form-data"')[1]
    assert "技能竞赛" in choices and "高技能人才直评" not in choices
    assert _recognise(clerk, result).status_code == 302
    result.refresh_from_db()
    assert (result.route, result.passed) == (Route.COMPETITION, True)
    assert result.decision_note == "2026年江苏省人力资源技能大赛 第2名"
    event = AuditEvent.objects.get(action="result.recognise")
    stored = StoredFile.objects.get(pk=event.changes["evidence"])
    assert stored.org_id == batch.organization_id and stored.content_type == "application/pdf"
    page = clerk.get(reverse("scoring:enterprise_recognise", args=[result.pk])).content.decode()
    assert reverse("organizations:file", args=[stored.pk]) in page


@pytest.mark.parametrize(
    ("changes", "label", "message"),
    [
        ({"evidence": ""}, "证明材料", "须上传证明材料"),
        ({"evidence": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 8)}, "证明材料", "已拒收"),
        ({"note": "  "}, "认定依据", "须填写认定依据"),
        ({"route": Route.DIRECT}, "认定途径", "选择一个有效的选项"),
    ],
)
def test_competition_refused_input_beside_field_nothing_stored(
    enterprise: Any, personas: Any, changes: Any, label: str, message: str
) -> None:
    _, apps, _ = enterprise
    result = Result.objects.get(application=apps[0])
    response = _recognise(personas.client_for(personas.clerk_a), result, **changes)
    assert response.status_code == 200
    assert _field_error(response.content.decode(), label, message)
    result.refresh_from_db()
    assert result.route == Route.SELF_EVALUATION
    assert not StoredFile.objects.exists()


def test_province_records_direct_channel_for_high_levels_only(
    enterprise: Any, personas: Any
) -> None:
    _, apps, _ = enterprise
    result = Result.objects.get(application=apps[2])
    province = personas.client_for(personas.province)
    direct = {"route": Route.DIRECT, "note": "苏人社直评〔2026〕3号"}
    refused = _recognise(province, result, **direct)
    assert refused.status_code == 200
    assert "高技能人才直评仅适用于三级（高级工）及以上" in refused.content.decode()
    result.refresh_from_db()
    assert result.route == Route.SELF_EVALUATION and not StoredFile.objects.exists()
    Result.objects.filter(pk=result.pk).update(level=3)
    assert _recognise(province, result, **direct).status_code == 302
    result.refresh_from_db()
    assert (result.route, result.passed) == (Route.DIRECT, True)
    event = AuditEvent.objects.get(action="result.recognise")
    assert event.actor_id == personas.province.pk
    assert StoredFile.objects.filter(pk=event.changes["evidence"]).exists()


def test_recognition_refused_to_attackers(enterprise: Any, personas: Any) -> None:
    _, apps, _ = enterprise
    result = Result.objects.get(application=apps[0])
    Result.objects.filter(pk=result.pk).update(level=3)
    assert _recognise(personas.client_for(personas.clerk_b), result).status_code == 404
    assert _recognise(personas.client_for(personas.candidate), result).status_code == 404
    assert _recognise(Client(), result).status_code == 302
    # the officer of another city sees nothing; the enterprise may not decide 直评
    direct = {"route": Route.DIRECT, "note": "文号"}
    assert _recognise(personas.client_for(personas.city_suzhou), result, **direct).status_code == (
        404
    )
    enterprise_clerk = personas.client_for(personas.clerk_a)
    assert "选择一个有效的选项" in _recognise(enterprise_clerk, result, **direct).content.decode()
    result.refresh_from_db()
    assert result.route == Route.SELF_EVALUATION
    assert not StoredFile.objects.exists()


# --- the API --------------------------------------------------------------------------------


SCHEME_JSON = {
    "methods": ["process", "competition"],
    "weights": WEIGHTS,
    "evidence": EVIDENCE,
    "pass_mark": 60,
    "conduct_pass_mark": 60,
    "candidate_kinds": ["employee", "school_student"],
}


def _api(plan: Any, hr: Any) -> str:
    return f"/api/v1/enterprise/plans/{plan.pk}/occupations/{hr.pk}/scheme"


def test_api_sets_scheme_evaluates_and_recognises(enterprise: Any, hr: Any, personas: Any) -> None:
    plan, apps, _ = enterprise
    clerk = personas.client_for(personas.clerk_a)
    response = clerk.put(_api(plan, hr), SCHEME_JSON, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["methods"] == ["process", "competition"]
    listed = clerk.get(f"/api/v1/enterprise/plans/{plan.pk}/schemes").json()
    assert [s["occupation"] for s in listed] == ["企业人力资源管理师"]
    norm_acknowledge(plan=plan, occupation=hr, personas=personas)
    result = Result.objects.get(application=apps[1])
    vetoed = clerk.post(
        f"/api/v1/enterprise/results/{result.pk}/evaluation",
        {"scores": {"品德": 40, "职业能力": 100, "工作业绩": 100, "社会贡献": 100}},
        content_type="application/json",
    )
    assert vetoed.status_code == 200
    assert vetoed.json()["passed"] is False and "一票否决" in vetoed.json()["decision_note"]
    other = Result.objects.get(application=apps[0])
    recognised = clerk.post(
        f"/api/v1/enterprise/results/{other.pk}/recognition",
        {
            "route": "competition",
            "note": "省赛第1名",
            "evidence": SimpleUploadedFile("a.pdf", PDF),
        },
    )
    assert recognised.status_code == 200, recognised.content
    assert recognised.json()["route"] == "competition"


def test_api_refuses_bad_input_with_code_and_attackers(
    enterprise: Any, hr: Any, personas: Any
) -> None:
    plan, apps, _ = enterprise
    clerk = personas.client_for(personas.clerk_a)
    bad = clerk.put(
        _api(plan, hr),
        SCHEME_JSON | {"weights": {**WEIGHTS, "品德": 0.5}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert (bad.json()["code"], bad.json()["field"]) == ("enterprise.weights", "weights")
    for user, status in ((personas.clerk_b, 404), (personas.candidate, 404)):
        answer = personas.client_for(user).put(
            _api(plan, hr), SCHEME_JSON, content_type="application/json"
        )
        assert answer.status_code == status
    officer = personas.client_for(personas.city_nanjing).put(
        _api(plan, hr), SCHEME_JSON, content_type="application/json"
    )
    assert officer.status_code == 403 and officer.json()["code"] == "scoring.forbidden"
    assert Client().put(
        _api(plan, hr), SCHEME_JSON, content_type="application/json"
    ).status_code == (401)
    assert not EnterpriseScheme.objects.exists()
    result = Result.objects.get(application=apps[0])
    no_file = clerk.post(
        f"/api/v1/enterprise/results/{result.pk}/recognition",
        {"route": "competition", "note": "省赛第1名"},
    )
    assert no_file.status_code == 422
    stranger = personas.client_for(personas.clerk_b).post(
        f"/api/v1/enterprise/results/{result.pk}/evaluation",
        {"scores": dict.fromkeys(WEIGHTS, 80)},
        content_type="application/json",
    )
    assert stranger.status_code == 404
    result.refresh_from_db()
    assert result.route == Route.SELF_EVALUATION and result.weighted_score is None
