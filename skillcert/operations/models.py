from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running background worker, refreshed every few seconds while it runs and
    removed when it stops cleanly. Pages that wait on a job read it to tell a user that nothing
    will pick the job up (后台任务处理程序未运行) instead of leaving it at 排队中."""

    worker_id = models.CharField("处理程序标识", max_length=64, primary_key=True)
    hostname = models.CharField("主机", max_length=255)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间")
    seen_at = models.DateTimeField("最近心跳", db_index=True)

    class Meta:
        verbose_name = "后台任务处理程序"
        verbose_name_plural = "后台任务处理程序"

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.hostname}"
