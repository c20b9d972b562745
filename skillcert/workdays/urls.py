from django.urls import path

from skillcert.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("days/save/", views.calendar_day_save, name="day_save"),
    path("days/delete/", views.calendar_day_delete, name="day_delete"),
    path("years/publish/", views.calendar_year_publish_view, name="year_publish"),
    path("notice/", views.notice_import, name="notice"),
]
