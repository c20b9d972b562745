from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    EMPLOYER = "Y", "用人单位"
    SOCIAL = "S", "社会培训评价组织"
    SCHOOL = "school", "院校"
    ASSOCIATION = "association", "行业协会"


class EvaluationOrg(models.Model):
    """An evaluation organisation (评价机构). The Foundation keeps only identity and region;
    the filing issue adds scope, filing numbers, credit and status."""

    name = models.CharField("机构名称", max_length=200)
    kind = models.CharField("机构类型", max_length=16, choices=OrgKind.choices)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在地区", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价机构"
        verbose_name_plural = "评价机构"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
