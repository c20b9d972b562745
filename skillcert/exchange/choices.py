"""The exchange's vocabulary that other apps and templates may use."""

from __future__ import annotations

from django.db import models


class PeerRole(models.TextChoices):
    PROVINCIAL = "provincial", "省人社一体化信息平台"  # the province's integrated platform
    NATIONAL = "national", "全国证书查询系统"  # the national registry
    CONTRIBUTOR = "contributor", "报送方"  # an installation that sends its feed to this one


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待重试"  # the last attempt failed; the next one is due at next_attempt_at
    DELIVERED = "delivered", "已送达"  # the peer accepted the batch
    FAILED = "failed", "已放弃"  # attempts exhausted; `exchange push` starts a new delivery


class RegistryStatus(models.TextChoices):
    VALID = "valid", "有效"
    REVOKED = "revoked", "已撤销"
    SUPERSEDED = "superseded", "已被替代"


LABELS: dict[str, str] = {
    "exchange": "数据交换",
    "exchange.peer_register": "登记交换对端",
    "exchange.batch_import": "接收交换批次",
    "exchange.batch_export": "导出交换批次",
    "exchange.push": "推送交换批次",
}
