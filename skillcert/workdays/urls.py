from django.urls import path

from skillcert.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("notice/", views.notice_import, name="notice"),
]
