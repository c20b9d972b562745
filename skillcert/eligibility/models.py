from __future__ import annotations

from django.db import models
from django.db.models import Q

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import RuleClause, VersionedRule, between_check


class RuleSet(VersionedRule):
    """One version of a rule set (申报条件). Versions are never edited: a change publishes
    the next version, and every decision names the version it used. A rule set with
    `extends` is a province override composed onto its base for one occupation."""

    code = models.CharField("规则集编号", max_length=64)
    source = models.CharField("依据", max_length=300, blank=True)
    extends = models.CharField("补充的基础规则集", max_length=64, blank=True)
    occupation = ref_fk("occupations.Occupation", "适用职业", optional=True)
    note = models.CharField("本版变更说明", max_length=300, blank=True)
    published_by = user_fk("发布人")

    class Meta(VersionedRule.Meta):
        verbose_name = "申报条件规则集"
        verbose_name_plural = "申报条件规则集"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rule_set_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="rule_set_version_positive"),
            models.CheckConstraint(
                condition=Q(extends="") | ~Q(province=""), name="rule_set_override_has_province"
            ),
        ]


class Clause(RuleClause):
    """A clause of one rule-set version: the text as published and the structured
    condition the engine evaluates. Its id `<code>/<level>/<letter>` is stable across
    versions."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name="规则集", on_delete=models.CASCADE, related_name="clauses"
    )
    level = models.PositiveSmallIntegerField("等级")
    condition = models.JSONField("结构化条件")
    exempt = models.JSONField("免考部分", default=list, blank=True)
    replaces = models.CharField("替换的基础条款", max_length=80, blank=True)

    class Meta:
        verbose_name = "申报条款"
        verbose_name_plural = "申报条款"
        ordering = ["rule_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "level", "letter"], name="clause_unique_letter"
            ),
            between_check("level", 1, 5, name="clause_level_1_5"),
        ]

    def __str__(self) -> str:
        return self.clause_id

    @property
    def clause_id(self) -> str:
        return f"{self.rule_set.code}/{self.level}/{self.letter}"
