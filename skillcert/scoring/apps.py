from typing import Any

from django.apps import AppConfig

from skillcert.common.labels import LabelsRegistered
from skillcert.scoring.choices import LABELS


class ScoringConfig(LabelsRegistered, AppConfig):
    name = "skillcert.scoring"
    label = "scoring"
    verbose_name = "阅卷与成绩"
    labels = LABELS

    def ready(self) -> None:
        from skillcert.accounts.navigation import nav_visibility_register

        super().ready()
        nav_visibility_register("scoring:enterprise_plans", _sees_enterprise_evaluation)

        from skillcert.itembank.qti import qti_partial_ratio_register
        from skillcert.scoring.selectors import multiple_choice_partial_ratio

        # The item bank's QTI export writes our partial-credit rule (it cannot import us).
        qti_partial_ratio_register(multiple_choice_partial_ratio)


def _sees_enterprise_evaluation(user: Any) -> bool:
    """Employers' staff (type Y evaluate their own employees) and the officers over them."""
    from skillcert.accounts.scope import scope_for
    from skillcert.organizations.choices import OrgKind
    from skillcert.organizations.selectors import organizations_own

    scope = scope_for(user)
    if scope.is_officer or scope.is_platform:
        return True
    return scope.is_org_staff and (
        organizations_own(scope=scope).filter(kind=OrgKind.EMPLOYER).exists()
    )
