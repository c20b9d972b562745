"""Peers (the provincial platform, the national registry, contributing installations), the
deliveries of this installation's feed to them, and the registry of what they sent here.

The feed itself has no table: it is read from the append-only audit trail (selectors)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from skillcert.common.fields import user_fk
from skillcert.common.model_bases import CertificateRecord, HolderIdentity
from skillcert.common.pii import EncryptedCharField
from skillcert.exchange.choices import DeliveryStatus, PeerRole, RegistryStatus


class Peer(models.Model):
    """Another installation this one exchanges with. `public_keys` (a JWKS, or fetched from
    `keys_url`) checks the batches it sends; `account` is the local user whose API tokens it
    presents when it pulls our feed or posts a batch; `token` is what we present to it."""

    name = models.CharField("名称", max_length=100)
    installation = models.CharField("安装标识", max_length=200, unique=True)
    province = models.CharField("省份代码", max_length=2)
    role = models.CharField("角色", max_length=16, choices=PeerRole.choices)
    url = models.URLField("接收地址", max_length=300, blank=True)
    public_keys = models.JSONField("公钥集（JWKS）", default=dict, blank=True)
    keys_url = models.URLField("公钥集地址（keys.json）", max_length=300, blank=True)
    token = EncryptedCharField("推送令牌", blank=True, default="")
    account = models.OneToOneField(
        "accounts.User",
        verbose_name="对端账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_peer",
    )
    active = models.BooleanField("启用", default=True)
    # The highest sequence of our feed the peer acknowledged (pushes continue after it).
    pushed_through = models.BigIntegerField("已推送至", default=0)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "交换对端"
        verbose_name_plural = "交换对端"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(province__regex=r"^[0-9]{2}$"), name="exchange_peer_province"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FeedSpan(models.Model):
    """A span of one peer's side of the feed: the sequences after `after` up to and including
    `next` (a delivery we send, or a batch we received). Subclasses add the `peer`."""

    peer: Any  # each subclass's foreign key to the Peer
    after = models.BigIntegerField("起始游标")
    next = models.BigIntegerField("结束游标")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.peer} ({self.after}, {self.next}]"


class Delivery(FeedSpan):
    """One batch of our feed on its way to a peer, with its attempts."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="deliveries")
    entries = models.PositiveIntegerField("记录数", default=0)
    status = models.CharField(
        "状态", max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "交换推送"
        verbose_name_plural = "交换推送"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(next__gte=models.F("after")), name="delivery_span"),
            # Two push rounds at once must not send the same span twice.
            models.UniqueConstraint(
                fields=["peer"], condition=Q(status="pending"), name="one_pending_delivery_per_peer"
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="delivery_delivered_has_time",
            ),
        ]


class ReceivedBatch(FeedSpan):
    """A batch received from a peer (each receipt, re-deliveries too): what it held and how
    many of its entries were new."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="batches")
    digest = models.CharField("摘要", max_length=64)
    entries = models.PositiveIntegerField("记录数")
    applied = models.PositiveIntegerField("新记录数")
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    received_by = user_fk("接收人")

    class Meta:
        verbose_name = "接收的交换批次"
        verbose_name_plural = "接收的交换批次"
        ordering = ["-id"]


class ReceivedEntry(models.Model):
    """Each sequence of a peer's feed is applied once: the unique (peer, sequence) makes a
    re-delivered or overlapping batch change nothing."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="entries")
    sequence = models.BigIntegerField("序号")
    type = models.CharField("类型", max_length=16)
    event = models.CharField("事件", max_length=64)
    key = models.CharField("对象", max_length=64)
    batch = models.ForeignKey(ReceivedBatch, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "接收的交换记录"
        verbose_name_plural = "接收的交换记录"
        constraints = [
            models.UniqueConstraint(fields=["peer", "sequence"], name="exchange_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.peer}#{self.sequence}"


class ReceivedRecord(models.Model):
    """A row of the aggregated registry: the peer that reported it, the province it belongs
    to, and the latest sequence of that peer's feed that changed it."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    province = models.CharField("省份代码", max_length=2)
    sequence = models.BigIntegerField("最新序号")

    class Meta:
        abstract = True


class ReceivedOrganization(ReceivedRecord):
    """A filed evaluation organisation as its province last reported it."""

    filing_number = models.CharField("备案编号", max_length=13, unique=True)
    uscc = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("机构名称", max_length=200)
    region_code = models.CharField("所在地区", max_length=12)
    status = models.CharField("状态", max_length=16)
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    scope = models.JSONField("评价范围", default=list, blank=True)

    class Meta:
        verbose_name = "汇集的评价机构"
        verbose_name_plural = "汇集的评价机构"
        ordering = ["filing_number"]

    def __str__(self) -> str:
        return f"{self.filing_number} {self.name}"


class ReceivedResult(HolderIdentity, ReceivedRecord):
    """A registered (登记备案) result as its province reported it."""

    plan = models.CharField("评价计划", max_length=64)
    candidate_ref = models.CharField("考生编号", max_length=20)
    filing_number = models.CharField("备案编号", max_length=13)
    id_type = models.CharField("证件类型", max_length=20)
    occupation_code = models.CharField("职业编码", max_length=20)
    occupation_name = models.CharField("职业名称", max_length=100)
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True)  # none: 专项职业能力
    score = models.CharField("综合得分", max_length=8, blank=True)
    passed = models.BooleanField("合格")
    registered_at = models.DateTimeField("登记备案时间")

    class Meta:
        verbose_name = "汇集的登记成绩"
        verbose_name_plural = "汇集的登记成绩"
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "plan", "candidate_ref"], name="exchange_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan}/{self.candidate_ref}"


class ReceivedCertificate(CertificateRecord, ReceivedRecord):
    """A certificate in the aggregated registry, with the status its issuing province last
    reported (revoked and superseded follow)."""

    kind = models.CharField("类型", max_length=16)
    status = models.CharField("状态", max_length=16, choices=RegistryStatus.choices)
    id_type = models.CharField("证件类型", max_length=20)
    specialty_name = models.CharField("工种/职业方向", max_length=100)
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True)  # none: 专项职业能力
    level_text = models.CharField("职业技能等级", max_length=20)
    filing_number = models.CharField("评价机构备案编号", max_length=13)
    supersedes = models.CharField("替代的证书", max_length=22, blank=True)
    superseded_by = models.CharField("被替代为", max_length=22, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "汇集的证书"
        verbose_name_plural = "汇集的证书"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in RegistryStatus]),
                name="exchange_certificate_status",
            )
        ]

    def __str__(self) -> str:
        return self.number
