"""The vocabulary of personnel: choices other apps may use; the tables stay private to the app."""

from __future__ import annotations

from django.db import models


class PersonRoleStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    SUSPENDED = "suspended", "暂停"  # by supervision; reinstatable
    EXPIRED = "expired", "已过期"  # card lapsed; renewal reactivates
    REVOKED = "revoked", "已撤销"  # terminal


class RoleKind(models.TextChoices):
    EXAMINER = "examiner", "考评员"
    SENIOR_EXAMINER = "senior_examiner", "高级考评员"
    QUESTION_SETTER = "question_setter", "命题人员"
    SUPERVISOR_EXTERNAL = "supervisor_external", "质量督导员（外督）"  # appointed by the authority
    SUPERVISOR_INTERNAL = (
        "supervisor_internal",
        "质量督导员（内督）",
    )  # appointed by an organisation


class PersonStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "暂停"  # may not assess or register until reinstated
    BANNED = "banned", "永久取消资格"  # terminal: e.g. two consecutive cards left uncollected


class IntegrityKind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    FINDING = "finding", "督导发现问题"
    SANCTION = "sanction", "处理决定"
    COMMENDATION = "commendation", "表扬"


# Chinese names of this app's codes a person may see (audit actions, histories), registered
# with `common.labels` when the app starts.
LABELS: dict[str, str] = {
    "personnel": "考评人员",
    "personnel.person_register": "登记考评人员",
    "personnel.person_register_bulk": "批量登记考评人员（含证书、职称、工作经历）",
    "personnel.person_ban": "禁入考评工作",
    "personnel.person_suspend": "暂停考评资格",
    "personnel.person_reinstate": "恢复考评资格",
    "personnel.account_create": "创建考评人员账户",
    "personnel.certificate_add": "添加证书",
    "personnel.certificate_remove": "删除证书",
    "personnel.title_add": "添加职称",
    "personnel.title_remove": "删除职称",
    "personnel.work_add": "添加工作经历",
    "personnel.work_remove": "删除工作经历",
    "personnel.relation_declare": "申报回避关系",
    "personnel.confidentiality_sign": "签订保密协议",
    "personnel.pledge_sign": "签订诚信承诺书",
    "personnel.integrity_record": "记录诚信信息",
    "personnel.learning_record": "记录学习时长",
    "personnel.course_completion_record": "记录课件完成",
    "personnel.course_unit_create": "添加培训课件",
    "personnel.course_unit_update": "修改培训课件",
    "personnel.offline_session_request": "申请线下培训",
    "personnel.offline_session_decide": "审核线下培训申请",
    "personnel.exam_result_record": "记录培训考核成绩",
    "personnel.sitting_record": "记录考评工作",
    "personnel.plan_publish": "发布培训计划",
    "personnel.qualification_rule_publish": "发布资格条件规则",
    "personnel.registration_submit": "培训报名",
    "personnel.registration_recommend": "单位推荐",
    "personnel.registration_city_review": "市级初审",
    "personnel.registration_province_review": "省级复核",
    "personnel.registration_withdraw": "撤回报名",
    "personnel.role_appoint": "聘任",
    "personnel.role_expire": "聘期届满",
    "personnel.role_suspend": "暂停聘任",
    "personnel.role_revoke": "解聘",
    "personnel.role_reinstate": "恢复聘任",
    "personnel.card_issue": "发放证卡",
    "personnel.card_issue_bulk": "批量发放证卡",
    "personnel.registration_recommend_bulk": "批量登记单位推荐",
    "personnel.registration_submit_bulk": "导入报名平台的培训报名",
    "personnel.registration_city_review_bulk": "市级批量初审",
    "personnel.registration_province_review_bulk": "省级批量复核",
    "personnel.course_completion_record_bulk": "批量记录课件完成",
    "personnel.exam_result_record_bulk": "批量录入培训考核成绩",
    "personnel.card_remind": "提醒领取证卡",
    "personnel.card_collect": "领取证卡",
    "personnel.card_collect_bulk": "批量登记领取证卡",
    "personnel.card_void": "证卡作废",
    "personnel.export": "导出考评人员",
    "personnel.declaration_record": "上传无违法违纪声明",
    "personnel.qualification_override": "人工认定资格条件",
    "personnel.qualification_override_bulk": "批量人工认定资格条件（同一决定）",
    "personnel.practice_sync": "同步考评工作记录",
    "history.registration.submit": "报名",
    "history.registration.recommend": "单位推荐",
    "history.registration.city_review": "市级初审",
    "history.registration.province_review": "省级复核",
    "history.registration.withdraw": "撤回报名",
    "history.registration.learn": "学习记录",
    "history.registration.exam": "培训考核",
    "history.registration.pledge": "签订诚信承诺书",
    "history.registration.card_issue": "发放证卡",
}
