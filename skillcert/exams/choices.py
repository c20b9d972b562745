"""The vocabulary of exams: the Chinese names of its codes."""

from __future__ import annotations

# Chinese names of this app's codes a person may see (audit actions), registered with
# `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "exams": "考务",
    "exams.sitting_create": "创建考试批次",
    "exams.sitting_plan_add": "考试批次加入评价计划",
    "exams.district_add": "添加考区",
    "exams.district_postpone": "考区延期",
    "exams.site_add": "添加考点",
    "exams.room_add": "添加考场",
    "exams.rooms_import": "导入考场",
    "exams.slots_add": "添加考试时段",
    "exams.seats_assign": "编排座位",
    "exams.staff_assign": "安排考务人员",
    "exams.ticket_job_start": "生成准考证",
    "exams.checkin": "考生签到",
    "exams.checkin_bulk": "批量签到（扫码名单）",
    "exams.absences_mark": "标记缺考",
    "exams.absences_mark_site": "整个考点标记缺考",
    "exams.incident_record": "记录考场情况",
    "exams.misconduct_record": "记录违纪",
    "exams.misconduct_decide": "违纪处理决定",
    "exams.misconduct_appeal": "违纪处理申诉",
    "exams.room_record_sign": "考场记录签字",
    "exams.supervisor_report": "督导员报告",
}
