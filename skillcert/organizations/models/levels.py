"""An occupation at a level: the unit an organisation is filed for (its scope, the lines of a
filing application) and reports its numbers on (the lines of an annual report)."""

from __future__ import annotations

from django.db import models

from skillcert.common.fields import ref_fk
from skillcert.organizations.core import LEVEL_NAMES


class OccupationLevel(models.Model):
    occupation = ref_fk("occupations.Occupation", "职业")
    level = models.PositiveSmallIntegerField("等级")

    class Meta:
        abstract = True

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, str(self.level))


class ScopeLine(OccupationLevel):
    """A line of a scope (认定范围): the occupation at a level, narrowed to one specialty
    (工种) when it has one."""

    specialty = ref_fk("occupations.Specialty", "工种", optional=True)

    class Meta:
        abstract = True
