from django.urls import path

from skillcert.personnel import (
    views,
    views_bulk,
    views_registry,
    views_standing,
    views_training,
)

app_name = "personnel"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views_registry.person_create, name="person_create"),
    path("me/", views.my_personnel, name="me"),
    path("<int:pk>/", views_registry.person_detail, name="person"),
    path(
        "<int:pk>/qualification/",
        views_registry.qualification_check,
        name="qualification_check",
    ),
    *views_registry.PERSON.urls(),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/summary/", views.plan_summary, name="plan_summary"),
    path("plans/<int:pk>/register/", views.plan_register, name="plan_register"),
    path("plans/<int:pk>/exam-sheet/", views_bulk.exam_sheet_upload, name="exam_sheet"),
    path(
        "plans/<int:pk>/exam-sheet.xlsx",
        views_bulk.exam_sheet_template,
        name="exam_sheet_template",
    ),
    *views_bulk.PLAN.urls(),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    *views.REGISTRATION.urls(),
]

# Decisions that bind a person's standing (views_standing).
urlpatterns += [
    path("<int:pk>/overrides/new/", views_standing.override_record, name="override_record"),
    path(
        "<int:pk>/roles/<int:role_pk>/suspend/",
        views_standing.role_suspend_page,
        name="role_suspend",
    ),
    path(
        "<int:pk>/roles/<int:role_pk>/reinstate/",
        views_standing.role_reinstate_page,
        name="role_reinstate",
    ),
]

# The training's course content and offline sessions (views_training).
urlpatterns += [
    path("training/units/", views_training.course_units, name="course_units"),
    path("training/units/<int:pk>/", views_training.course_unit_edit, name="course_unit"),
    path("training/offline/", views_training.offline_sessions, name="offline_sessions"),
    path("training/offline/<int:pk>/", views_training.offline_session, name="offline_session"),
    path(
        "training/offline/<int:pk>/approve/",
        views_training.offline_session_approve,
        name="offline_session_approve",
    ),
    path(
        "training/offline/<int:pk>/reject/",
        views_training.offline_session_reject,
        name="offline_session_reject",
    ),
    path(
        "training/offline/<int:pk>/plan/",
        views_training.offline_session_plan,
        name="offline_session_plan",
    ),
]
