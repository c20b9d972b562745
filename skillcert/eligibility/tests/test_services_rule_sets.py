import copy
import datetime as dt

import pytest
import yaml

from skillcert.accounts.actors import SystemActor
from skillcert.audit.models import AuditEvent
from skillcert.common.errors import DomainError
from skillcert.eligibility.engine import Profile, WorkPeriod, evaluate
from skillcert.eligibility.models import RuleSet
from skillcert.eligibility.selectors import rule_set_for, rule_set_load
from skillcert.eligibility.services import rule_set_document, rule_set_publish
from skillcert.eligibility.tests.rulesets import RULESETS
from skillcert.occupations.tests.catalogue import hr_catalogue

pytestmark = pytest.mark.django_db


def test_migration_loads_generic_2018_version_1():
    rules = rule_set_load(code="generic-2018")
    assert rules.version == 1
    assert [c.id for c in rules.clauses_for(3)] == [
        "generic-2018/3/a",
        "generic-2018/3/b",
        "generic-2018/3/c",
    ]
    assert len(rules.clauses) == 12


def test_publishing_a_change_creates_the_next_version_and_keeps_the_old_one():
    document = rule_set_document(rule_set=RuleSet.objects.get(code="generic-2018", version=1))
    changed = copy.deepcopy(document)
    for clause in changed["clauses"]:
        if (clause["level"], clause["letter"]) == (4, "b"):
            clause["condition"]["work_years"] = 5
    row = rule_set_publish(
        document=changed, actor=SystemActor("test"), note="四级工作年限调整为5年"
    )
    assert row.version == 2
    assert AuditEvent.objects.filter(action="rule_set.publish", object_id=str(row.pk)).exists()
    profile = Profile(work=(WorkPeriod(dt.date(2020, 1, 1), None, True),))
    as_of = dt.date(2025, 6, 1)
    assert evaluate(rule_set_load(code="generic-2018"), 4, profile, as_of).eligible
    old = evaluate(rule_set_load(code="generic-2018", version=1), 4, profile, as_of)
    assert not old.eligible and old.version == 1


def test_publish_rejects_a_bad_clause_naming_it():
    document = yaml.safe_load((RULESETS / "generic-2018.yaml").read_text(encoding="utf-8"))
    document["clauses"][2]["condition"]["work_after"] = "moon"
    with pytest.raises(DomainError) as exc:
        rule_set_publish(document=document, actor=SystemActor("test"))
    assert exc.value.field == "clauses[2].condition.work_after"
    assert RuleSet.objects.filter(code="generic-2018").count() == 1


def test_publish_rejects_override_of_unknown_occupation_and_unknown_replaced_clause():
    document = yaml.safe_load((RULESETS / "js-hr-economist.yaml").read_text(encoding="utf-8"))
    with pytest.raises(DomainError) as exc:
        rule_set_publish(document=document, actor=SystemActor("test"))
    assert exc.value.code == "rules.occupation_unknown"
    hr_catalogue()
    document["clauses"][0]["replaces"] = "generic-2018/2/q"
    with pytest.raises(DomainError) as exc:
        rule_set_publish(document=document, actor=SystemActor("test"))
    assert exc.value.code == "rules.replaces_unknown"
    assert exc.value.field == "clauses[0].replaces"


def test_override_applies_only_in_its_province_and_occupation():
    occupation = hr_catalogue()
    rule_set_publish(
        document=yaml.safe_load((RULESETS / "js-hr-economist.yaml").read_text(encoding="utf-8")),
        actor=SystemActor("test"),
    )
    ids = lambda rules: [c.id for c in rules.clauses_for(2)]  # noqa: E731
    assert "js-hr-economist/2/z" in ids(
        rule_set_for(code="generic-2018", province="32", occupation=occupation)
    )
    assert "js-hr-economist/2/z" not in ids(
        rule_set_for(code="generic-2018", province="51", occupation=occupation)
    )
    assert "js-hr-economist/2/z" not in ids(
        rule_set_for(code="generic-2018", province="32", occupation=None)
    )
