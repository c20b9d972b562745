"""The integrity file (诚信档案): credit events, the abnormal list (异常名录) and the
blacklist (黑名单)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from skillcert.common.fields import user_fk
from skillcert.organizations.choices import CreditEventKind, CreditList
from skillcert.organizations.models.organization import EvaluationOrg

# Kinds an officer records by hand; the others are written by the services that cause them.
MANUAL_CREDIT_EVENT_KINDS = (
    CreditEventKind.SUPERVISION_FINDING,
    CreditEventKind.COMPLAINT_UPHELD,
)


class CreditEvent(models.Model):
    """A line of the organisation's integrity file (诚信档案)."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="credit_events"
    )
    kind = models.CharField("事项", max_length=24, choices=CreditEventKind.choices)
    occurred_on = models.DateField("发生日期")
    description = models.TextField("情况说明")
    document_no = models.CharField("文号", max_length=100, blank=True)
    report_year = models.PositiveSmallIntegerField("年报年度", null=True, blank=True)
    actor = user_fk("记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "诚信档案记录"
        verbose_name_plural = "诚信档案记录"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            # flagging overdue reports twice for the same year must not double-count
            models.UniqueConstraint(
                fields=["org", "report_year"],
                condition=Q(kind="late_report"),
                name="credit_one_late_report_flag_per_year",
            ),
            models.CheckConstraint(
                condition=~Q(kind="late_report") | Q(report_year__isnull=False),
                name="credit_late_report_has_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class CreditListing(models.Model):
    """An entry on the abnormal list or the blacklist: reason, document number and period;
    removal keeps the row with its own reason and document."""

    org = models.ForeignKey(
        EvaluationOrg, verbose_name="机构", on_delete=models.PROTECT, related_name="listings"
    )
    list_kind = models.CharField("名录", max_length=16, choices=CreditList.choices)
    reason = models.TextField("列入原因")
    document_no = models.CharField("列入文号", max_length=100)
    starts_on = models.DateField("列入日期")
    ends_on = models.DateField("期满日期", null=True, blank=True)  # inclusive; open = indefinite
    listed_by = user_fk("列入人")
    listed_at = models.DateTimeField("记录时间", auto_now_add=True)
    removed_at = models.DateTimeField("移出时间", null=True, blank=True)
    removed_by = user_fk("移出人")
    removal_reason = models.TextField("移出原因", blank=True)
    removal_document_no = models.CharField("移出文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "异常名录/黑名单"
        verbose_name_plural = "异常名录/黑名单"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "list_kind"],
                condition=Q(removed_at__isnull=True),
                name="listing_one_open_per_list",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="listing_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="listing_removal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_list_kind_display()} {self.org_id} {self.starts_on}"
