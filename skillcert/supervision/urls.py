from django.urls import path

from skillcert.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("draws/new/", views.draw_new, name="draw_new"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/<slug:action>/", views.visit_action, name="visit_action"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/<slug:action>/", views.complaint_action, name="complaint_action"),
    # public: no login; rate-limited per client IP instead of a captcha
    path("report/", views.complaint_public, name="complaint_public"),
    path("report/track/", views.complaint_track, name="complaint_track"),
]
