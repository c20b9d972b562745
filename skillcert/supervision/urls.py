from django.urls import path

from skillcert.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("draws/new/", views.draw_new, name="draw_new"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/checklist/", views.visit_checklist, name="visit_checklist"),
    path("visits/<int:pk>/finding/", views.visit_finding, name="visit_finding"),
    path("visits/<int:pk>/evidence/", views.visit_evidence, name="visit_evidence"),
    path("visits/<int:pk>/report/", views.visit_report, name="visit_report"),
    path("visits/<int:pk>/escalate/", views.finding_escalate, name="finding_escalate"),
    path("visits/<int:pk>/respond/", views.corrective_action_respond, name="action_respond"),
    path("visits/<int:pk>/review/", views.corrective_action_review, name="action_review"),
    path("visits/<int:pk>/lift/", views.registration_hold_lift, name="hold_lift"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/triage/", views.complaint_triage, name="complaint_triage"),
    path("complaints/<int:pk>/reject/", views.complaint_reject, name="complaint_reject"),
    path("complaints/<int:pk>/conclude/", views.complaint_conclude, name="complaint_conclude"),
    # public: no login; rate-limited per client IP instead of a captcha
    path("report/", views.complaint_public, name="complaint_public"),
    path("report/track/", views.complaint_track, name="complaint_track"),
]
