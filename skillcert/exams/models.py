"""Exam logistics (考务) of a unified sitting (统考, seed 000): the province creates one sitting
across cities, with one district (考区) per city, sites (考点), rooms (考场) and time slots; seats
come from a recorded public draw; admission tickets (准考证) carry a stable number; staff are
assigned per room; exam day records attendance, misconduct, room records, incidents and the
supervisor's report. Statuses move only through the services' transition tables."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from skillcert.common.fields import ref_fk, user_fk
from skillcert.common.model_bases import (
    BackgroundJob,
    RecordedDraw,
    RecordedEntry,
    between_check,
)
from skillcert.common.policies import RegionKeyedPolicy
from skillcert.occupations.models import LEVEL_CHOICES
from skillcert.plans.models import SubjectSitting


class LogisticsPolicy(RegionKeyedPolicy):
    """A province's exam rules as data (DOMAIN.md §4, public repost): staffing ratios, the
    late-entry and early-leave limits and the entry checklist (seed 000 checked health)."""

    invigilator_per = models.PositiveSmallIntegerField("每名监考员对应考生数")
    min_invigilators_theory = models.PositiveSmallIntegerField("理论考场最少监考员数")
    examiner_per = models.PositiveSmallIntegerField("每名考评员对应考生数（操作技能）")
    min_examiners_practical = models.PositiveSmallIntegerField("操作技能最少考评员数")
    examiners_odd = models.BooleanField("考评员须为单数", default=True)
    supervisors_per_site = models.PositiveSmallIntegerField("每个考点督导员数", default=1)
    late_entry_minutes = models.PositiveSmallIntegerField("开考后禁止入场（分钟）")
    no_leave_minutes = models.PositiveSmallIntegerField("开考后禁止离场（分钟）")
    entry_checklist = models.JSONField("入场检查项目", default=list, blank=True)
    source = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "考务规则"
        verbose_name_plural = "考务规则"
        constraints = [
            models.CheckConstraint(
                name="logistics_policy_positive",
                condition=Q(
                    invigilator_per__gte=1,
                    min_invigilators_theory__gte=1,
                    examiner_per__gte=1,
                    min_examiners_practical__gte=1,
                    supervisors_per_site__gte=1,
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_id} 考务规则"


class Sitting(models.Model):
    """A unified sitting (统考) created by the province."""

    code = models.CharField("统考编号", max_length=40, unique=True)
    title = models.CharField("名称", max_length=200)
    province = ref_fk("regions.Region", "省份")
    year = models.PositiveSmallIntegerField("年度")
    # Numbers this sitting's tickets (two digits in the ticket number).
    serial = models.PositiveSmallIntegerField("年度内统考序号")
    created_by = user_fk(blank=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "统一考试"
        verbose_name_plural = "统一考试"
        ordering = ["-year", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "serial"], name="sitting_serial_per_year"
            ),
            between_check("serial", 1, 99, name="sitting_serial_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SittingPlan(models.Model):
    """A plan whose approved candidates sit this unified sitting (a plan sits one sitting)."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="plans")
    plan = models.OneToOneField(
        "plans.EvaluationPlan", on_delete=models.PROTECT, related_name="sitting_link"
    )

    class Meta:
        verbose_name = "统考计划"
        verbose_name_plural = "统考计划"

    def __str__(self) -> str:
        return f"{self.sitting_id} × {self.plan_id}"


class DistrictStatus(models.TextChoices):
    SCHEDULED = "scheduled", "按期举行"
    POSTPONED = "postponed", "已延期"  # its slots moved; tickets reissued


class District(models.Model):
    """考区: one per city, run by the city's 考核点 office. Candidates sit in the district of
    their plan's organisation's city."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="districts")
    city = ref_fk("regions.Region", "城市")
    name = models.CharField("考区名称", max_length=100)
    office_name = models.CharField("考核点办公室", max_length=200)
    office_address = models.CharField("办公室地址", max_length=200, blank=True)
    office_phone = models.CharField("联系电话", max_length=40, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=DistrictStatus.choices, default=DistrictStatus.SCHEDULED
    )
    status_reason = models.CharField("延期原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "考区"
        verbose_name_plural = "考区"
        ordering = ["sitting", "city_id"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "city"], name="district_one_per_city")
        ]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="sites")
    code = models.CharField("考点编号", max_length=10)
    name = models.CharField("考点名称", max_length=100)
    address = models.CharField("地址", max_length=200)

    class Meta:
        verbose_name = "考点"
        verbose_name_plural = "考点"
        ordering = ["district", "code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="site_code_per_district")
        ]

    def __str__(self) -> str:
        return self.name


class RoomKind(models.TextChoices):
    PAPER = "paper", "纸笔考场"
    COMPUTER = "computer", "机考考场"
    PRACTICAL = "practical", "实操考场"


class DoorSide(models.TextChoices):
    FRONT_LEFT = "front_left", "前门在左"  # seat 1 at the front left (seen from the desks)
    FRONT_RIGHT = "front_right", "前门在右"


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    code = models.CharField("考场号", max_length=10)
    kind = models.CharField("类型", max_length=10, choices=RoomKind.choices)
    rows = models.PositiveSmallIntegerField("行数")
    cols = models.PositiveSmallIntegerField("列数")
    door = models.CharField(
        "门的位置", max_length=12, choices=DoorSide.choices, default=DoorSide.FRONT_LEFT
    )
    accessible = models.BooleanField("无障碍考场", default=False)
    location = models.CharField("位置（楼层、教室）", max_length=100, blank=True)

    class Meta:
        verbose_name = "考场"
        verbose_name_plural = "考场"
        ordering = ["site", "code"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="room_code_per_site"),
            models.CheckConstraint(
                name="room_size_positive", condition=Q(rows__gte=1, cols__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} 第{self.code}考场"

    @property
    def capacity(self) -> int:
        return self.rows * self.cols


class TimeSlot(SubjectSitting):
    """One subject at one time in one district (a postponement moves a district's slots)."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="slots")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="slots")
    occupation = ref_fk("occupations.Occupation", "职业（空=全部）", optional=True)
    level = models.PositiveSmallIntegerField(
        "等级（空=全部）", choices=LEVEL_CHOICES, null=True, blank=True
    )

    class Meta:
        verbose_name = "考试时段"
        verbose_name_plural = "考试时段"
        ordering = ["district", "starts_at", "id"]
        # The statistics refresh scans these for rows changed since its last run.
        indexes = [models.Index(fields=["starts_at"], name="slot_starts_at")]
        constraints = [
            models.CheckConstraint(name="slot_ordered", condition=Q(ends_at__gt=F("starts_at")))
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.starts_at)
        return f"{self.district.name} {self.get_subject_display()} {at:%Y-%m-%d %H:%M}"


class SeatDraw(RecordedDraw):
    """The public draw behind a slot's seating: the same seed over the same candidates and
    rooms gives the same chart."""

    slot = models.ForeignKey(TimeSlot, on_delete=models.CASCADE, related_name="draws")
    seated = models.PositiveIntegerField("安排人数")
    rooms_used = models.PositiveIntegerField("使用考场数")
    adjacent_same_org = models.PositiveIntegerField("同单位相邻对数")
    adjacent_same_form = models.PositiveIntegerField("同卷型相邻对数")
    created_at = models.DateTimeField("编排时间", auto_now_add=True)

    class Meta(RecordedDraw.Meta):
        verbose_name = "编排记录"
        verbose_name_plural = "编排记录"

    def __str__(self) -> str:
        return f"{self.slot_id} 种子 {self.seed}"


class Seat(models.Model):
    slot = models.ForeignKey(TimeSlot, on_delete=models.CASCADE, related_name="seats")
    application = ref_fk("applications.Application", related_name="seats")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="seats")
    seat_no = models.PositiveSmallIntegerField("座位号")
    row = models.PositiveSmallIntegerField("行")
    col = models.PositiveSmallIntegerField("列")
    form = models.CharField("卷型", max_length=16, blank=True)

    class Meta:
        verbose_name = "座位"
        verbose_name_plural = "座位"
        ordering = ["slot", "room", "seat_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "application"], name="seat_one_per_candidate_per_slot"
            ),
            models.UniqueConstraint(
                fields=["slot", "room", "seat_no"], name="seat_one_candidate_per_seat"
            ),
            models.CheckConstraint(name="seat_no_positive", condition=Q(seat_no__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.seat_no}号"


class AdmissionTicket(models.Model):
    """准考证. Number (13 digits, stable across redraws and postponements, used by scoring as
    candidate_id): YY (2, sitting year) + city code (4, e.g. 3201) + sitting serial (2) +
    serial within the district (5), e.g. 2632010100017. `revision` counts reissues."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="tickets")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="tickets")
    application = ref_fk("applications.Application", related_name="tickets")
    ticket_no = models.CharField("准考证号", max_length=13, unique=True)
    token = models.CharField("签到码", max_length=43, unique=True)
    revision = models.PositiveSmallIntegerField("版本", default=1)
    issued_at = models.DateTimeField("发放时间", auto_now_add=True)
    reissued_at = models.DateTimeField("重新发放时间", null=True, blank=True)

    class Meta:
        verbose_name = "准考证"
        verbose_name_plural = "准考证"
        ordering = ["ticket_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "application"], name="ticket_one_per_application"
            )
        ]

    def __str__(self) -> str:
        return self.ticket_no


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class TicketJob(BackgroundJob):
    """Rendering a sitting's (or one district's) tickets: one multi-page PDF per room."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="ticket_jobs")
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField("准考证数", default=0)
    done = models.PositiveIntegerField("已生成", default=0)
    message = models.TextField("说明", blank=True)
    created_by = user_fk(blank=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = "准考证生成任务"
        verbose_name_plural = "准考证生成任务"

    def __str__(self) -> str:
        return f"准考证生成 #{self.pk}"

    @property
    def percent(self) -> int:
        return self.percent_of(self.done, self.total)


class TicketFile(models.Model):
    job = models.ForeignKey(TicketJob, on_delete=models.CASCADE, related_name="files")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    file = models.FileField("PDF", upload_to="exams/tickets/%Y/%m/")
    pages = models.PositiveIntegerField("页数")

    class Meta:
        verbose_name = "准考证文件"
        verbose_name_plural = "准考证文件"
        ordering = ["job", "site", "room"]
        constraints = [
            models.UniqueConstraint(fields=["job", "room"], name="ticket_file_one_per_room")
        ]

    def __str__(self) -> str:
        return self.file.name


class ExamDayDuty(models.TextChoices):
    """What a person assigned to a time slot does there (考务人员职责)."""

    INVIGILATOR = "invigilator", "监考员"
    EXAMINER = "examiner", "考评员"
    SUPERVISOR = "supervisor", "质量督导员"


class StaffAssignment(models.Model):
    slot = models.ForeignKey(TimeSlot, on_delete=models.CASCADE, related_name="staff")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = ref_fk("personnel.Person")
    duty = models.CharField("职责", max_length=12, choices=ExamDayDuty.choices)
    created_at = models.DateTimeField("安排时间", auto_now_add=True)

    class Meta:
        verbose_name = "考务人员安排"
        verbose_name_plural = "考务人员安排"
        ordering = ["slot", "site", "room", "duty", "id"]
        # The statistics refresh scans these for rows changed since its last run.
        indexes = [models.Index(fields=["created_at"], name="staff_created_at")]
        constraints = [
            # A person is in one place per slot (overlapping slots are checked by the core).
            models.UniqueConstraint(fields=["slot", "person"], name="staff_one_place_per_slot"),
            models.CheckConstraint(
                name="staff_room_unless_supervisor",
                condition=Q(duty="supervisor") | Q(room__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_duty_display()}"


class StaffingRun(RecordedDraw):
    """The outcome of one staff assignment for a slot, with every shortage explained."""

    slot = models.ForeignKey(TimeSlot, on_delete=models.CASCADE, related_name="staffing_runs")
    assigned = models.PositiveIntegerField("安排人次")
    shortages = models.JSONField("缺员说明", default=list)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta(RecordedDraw.Meta):
        verbose_name = "人员安排记录"
        verbose_name_plural = "人员安排记录"

    def __str__(self) -> str:
        return f"{self.slot_id} 安排 {self.assigned}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "已入场"
    REFUSED_LATE = "refused_late", "迟到拒绝入场"  # counts as absent for scoring
    ABSENT = "absent", "缺考"


class Attendance(RecordedEntry):
    seat = models.OneToOneField(Seat, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField("状态", max_length=14, choices=AttendanceStatus.choices)
    arrived_at = models.DateTimeField("到场时间", null=True, blank=True)
    checks = models.JSONField("入场检查", default=dict, blank=True)
    recorded_by = user_fk(blank=False)

    class Meta:
        verbose_name = "考生签到"
        verbose_name_plural = "考生签到"
        constraints = [
            models.CheckConstraint(
                name="attendance_present_has_time",
                condition=~Q(status="present") | Q(arrived_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.seat_id} {self.get_status_display()}"


class MisconductKind(models.TextChoices):
    DEVICE = "device", "携带通讯工具或电子设备"
    CRIB = "crib", "夹带资料"
    COPYING = "copying", "抄袭或协助抄袭"
    IMPERSONATION = "impersonation", "替考"
    DISORDER = "disorder", "扰乱考场秩序"
    OTHER = "other", "其他违纪"


class MisconductDecision(models.TextChoices):
    PENDING = "pending", "待处理"
    WARNING = "warning", "警告"
    SUBJECT_VOID = "subject_void", "该科目成绩无效"
    ALL_VOID = "all_void", "本次考试全部成绩无效"


class AppealStatus(models.TextChoices):
    NONE = "none", "未申诉"
    FILED = "filed", "已申诉，待复核"
    UPHELD = "upheld", "维持原处理"
    OVERTURNED = "overturned", "撤销原处理"


class Misconduct(models.Model):
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="misconduct")
    kind = models.CharField("类型", max_length=16, choices=MisconductKind.choices)
    description = models.TextField("事实经过")
    evidence = models.FileField("证据", upload_to="exams/evidence/%Y/%m/", blank=True)
    occurred_at = models.DateTimeField("发生时间")
    decision = models.CharField(
        "处理决定",
        max_length=14,
        choices=MisconductDecision.choices,
        default=MisconductDecision.PENDING,
    )
    decision_reason = models.TextField("处理依据", blank=True)
    appeal_status = models.CharField(
        "申诉", max_length=12, choices=AppealStatus.choices, default=AppealStatus.NONE
    )
    appeal_text = models.TextField("申诉理由", blank=True)
    appeal_reply = models.TextField("复核意见", blank=True)
    recorded_by = user_fk(blank=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "违纪记录"
        verbose_name_plural = "违纪记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.seat_id} {self.get_kind_display()}"


class RoomRecord(models.Model):
    """考场记录: what happened in one room in one slot, signed by its invigilators."""

    slot = models.ForeignKey(TimeSlot, on_delete=models.CASCADE, related_name="room_records")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField("考场情况", blank=True)
    created_at = models.DateTimeField("填写时间", auto_now_add=True)

    class Meta:
        verbose_name = "考场记录"
        verbose_name_plural = "考场记录"
        constraints = [models.UniqueConstraint(fields=["slot", "room"], name="room_record_once")]

    def __str__(self) -> str:
        return f"{self.room} 考场记录"


class RoomRecordSignature(models.Model):
    record = models.ForeignKey(RoomRecord, on_delete=models.CASCADE, related_name="signatures")
    person = ref_fk("personnel.Person")
    signed_at = models.DateTimeField("签名时间", auto_now_add=True)

    class Meta:
        verbose_name = "考场记录签名"
        verbose_name_plural = "考场记录签名"
        constraints = [
            models.UniqueConstraint(fields=["record", "person"], name="room_record_sign_once")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.person_id}"


class Incident(models.Model):
    slot = models.ForeignKey(TimeSlot, on_delete=models.CASCADE, related_name="incidents")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField("发生时间")
    description = models.TextField("情况")
    action_taken = models.TextField("处置", blank=True)
    reported_by = user_fk(blank=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "考点突发情况"
        verbose_name_plural = "考点突发情况"
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.site} {timezone.localtime(self.occurred_at):%H:%M}"


class SupervisorReport(models.Model):
    slot = models.ForeignKey(TimeSlot, on_delete=models.CASCADE, related_name="supervisor_reports")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    person = ref_fk("personnel.Person")
    findings = models.TextField("督导情况")
    rating = models.CharField(
        "总体评价",
        max_length=10,
        choices=[("good", "规范"), ("minor", "存在一般问题"), ("serious", "存在严重问题")],
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "督导报告"
        verbose_name_plural = "督导报告"
        constraints = [
            models.UniqueConstraint(fields=["slot", "site"], name="supervisor_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.site} 督导报告"
