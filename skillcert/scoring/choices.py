"""The vocabulary of scoring: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class ResultStatus(models.TextChoices):
    DRAFT = "draft", "录入中"  # scores still being entered
    SUBMITTED = "submitted", "已提交"  # locked with the batch
    PUBLISHED = "published", "已发布"  # the candidate and the public query see it
    REGISTERED = "registered", "已登记备案"  # immutable; certificates are issued from these


class Route(models.TextChoices):
    EXAM = "exam", "考试评价"  # social assessment: theory, practical (and panel for 2/1)
    SELF_EVALUATION = "self_evaluation", "企业自主评价"  # four dimensions, 品德 first
    COMPETITION = "competition", "技能竞赛"  # level recognised from a competition ranking
    DIRECT = "direct", "高技能人才直评"  # direct channel decided by the authority
