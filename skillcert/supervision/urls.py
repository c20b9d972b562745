from django.urls import path

from skillcert.supervision import views, views_external

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("draws/new/", views.draw_new, name="draw_new"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    *views.VISIT.urls(),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    *views.COMPLAINT.urls(),
    # public: no login; rate-limited per client IP instead of a captcha
    path("report/", views.complaint_public, name="complaint_public"),
    path("report/track/", views.complaint_track, name="complaint_track"),
    # the authority's on-site supervisor of a social assessment and ratio exceptions
    path("plans/<int:pk>/onsite/", views_external.onsite, name="onsite"),
    path("plans/<int:pk>/onsite/appoint/", views_external.onsite_appoint, name="onsite_appoint"),
    path("plans/<int:pk>/onsite/waive/", views_external.onsite_waive, name="onsite_waive"),
    path(
        "plans/<int:pk>/ratio-override/",
        views_external.plan_ratio_override,
        name="plan_ratio_override",
    ),
    path(
        "slots/<int:pk>/ratio-override/",
        views_external.slot_ratio_override,
        name="slot_ratio_override",
    ),
]
