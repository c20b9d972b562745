"""`{% worker_warning %}`: on a page that waits for a background job, say so plainly when no
worker is running, instead of leaving the job at 排队中 with no explanation."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from skillcert.operations.workers import WORKER_NOT_RUNNING, jobs_waiting, worker_is_running

register = template.Library()


@register.simple_tag
def worker_warning(*, only_if_queued: bool = False) -> SafeString | str:
    """The warning when no worker runs; with `only_if_queued`, only while jobs wait (for pages
    that queue jobs without showing one, such as statistics and reports)."""
    if only_if_queued and not jobs_waiting():
        return ""
    if worker_is_running():
        return ""
    return format_html(
        '<ul class="messages" role="alert"><li class="error"><strong>{}</strong>：'
        "排队中的任务不会被处理。请联系系统管理员启动后台任务处理程序"
        "（<code>make run</code> 会同时启动网站和处理程序；单独启动："
        "<code>python manage.py worker</code>）。</li></ul>",
        WORKER_NOT_RUNNING,
    )
