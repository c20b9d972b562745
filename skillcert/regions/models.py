from __future__ import annotations

from django.db import models

from skillcert.regions.choices import RegionLevel


class Region(models.Model):
    """A GB/T 2260 administrative division. The six-digit code is the key; a subtree is a
    code prefix (2 digits for a province, 4 for a prefecture), so region scoping is one
    indexed `LIKE 'pp%'` instead of a tree walk."""

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    active = models.BooleanField("现行有效", default=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"), name="region_code_six_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        """The code prefix every descendant shares."""
        if self.level == RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level == RegionLevel.PREFECTURE:
            return self.code[:4]
        return self.code

    @property
    def province_code(self) -> str:
        return self.code[:2]
