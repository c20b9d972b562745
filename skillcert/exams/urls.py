from django.urls import path

from skillcert.exams import examday_views, setup_views, views

app_name = "exams"
urlpatterns = [
    path("", views.sitting_list, name="list"),
    path("new/", setup_views.sitting_create_view, name="sitting_create"),
    path("rooms/template.xlsx", setup_views.rooms_template_view, name="rooms_template"),
    path("tickets/", views.my_tickets, name="my_tickets"),
    path("tickets/<str:ticket_no>.pdf", views.my_ticket_pdf, name="my_ticket_pdf"),
    path("duties/", examday_views.my_duties, name="my_duties"),
    path("checkin/<str:token>/", views.checkin_view, name="checkin"),
    path("checkin/<str:token>/photo", views.checkin_photo, name="checkin_photo"),
    path("jobs/<int:pk>/", views.ticket_job_view, name="job"),
    path("jobs/<int:pk>/sites/<int:site_pk>.zip", views.ticket_job_site_zip, name="job_site_zip"),
    path("slots/<int:pk>/seats/", views.seats_assign_view, name="seats_assign"),
    path("slots/<int:pk>/staff/", views.staff_view, name="staff"),
    path("slots/<int:pk>/rooms/<int:room_pk>/roster.pdf", views.roster_pdf_view, name="roster"),
    path("slots/<int:pk>/rooms/<int:room_pk>/door/", views.door_list_view, name="door_list"),
    path("slots/<int:pk>/rooms/<int:room_pk>/chart/", views.seat_chart_view, name="seat_chart"),
    path(
        "slots/<int:pk>/rooms/<int:room_pk>/absences/",
        examday_views.absences_mark_view,
        name="absences_mark",
    ),
    path(
        "slots/<int:pk>/rooms/<int:room_pk>/record/",
        examday_views.room_record_sign_view,
        name="room_record_sign",
    ),
    path("slots/<int:pk>/sites/<int:site_pk>/", examday_views.site_day_view, name="site_day"),
    path(
        "slots/<int:pk>/sites/<int:site_pk>/misconduct/",
        examday_views.misconduct_record_view,
        name="misconduct_record",
    ),
    path(
        "slots/<int:pk>/sites/<int:site_pk>/incidents/",
        examday_views.incident_record_view,
        name="incident_record",
    ),
    path(
        "slots/<int:pk>/sites/<int:site_pk>/report/",
        examday_views.supervisor_report_view,
        name="supervisor_report",
    ),
    path("misconduct/<int:pk>/", examday_views.misconduct_view, name="misconduct"),
    path(
        "misconduct/<int:pk>/evidence",
        examday_views.misconduct_evidence_view,
        name="misconduct_evidence",
    ),
    path(
        "misconduct/<int:pk>/decide/",
        examday_views.misconduct_decide_view,
        name="misconduct_decide",
    ),
    path(
        "misconduct/<int:pk>/appeal/",
        examday_views.misconduct_appeal_view,
        name="misconduct_appeal",
    ),
    path(
        "misconduct/<int:pk>/appeal/decide/",
        examday_views.misconduct_appeal_decide_view,
        name="misconduct_appeal_decide",
    ),
    path("districts/<int:pk>/", setup_views.district_view, name="district"),
    path("districts/<int:pk>/sites/", setup_views.site_add_view, name="site_add"),
    path("districts/<int:pk>/rooms/", setup_views.room_add_view, name="room_add"),
    path("districts/<int:pk>/rooms/upload/", setup_views.rooms_upload_view, name="rooms_upload"),
    path("districts/<int:pk>/postpone/", views.district_postpone_view, name="postpone"),
    path("<int:pk>/", views.sitting_detail, name="sitting"),
    path("<int:pk>/tickets/", views.ticket_job_start_view, name="ticket_job_start"),
    path("<int:pk>/setup/", setup_views.sitting_setup_view, name="setup"),
    path("<int:pk>/setup/plans/", setup_views.sitting_plan_add_view, name="sitting_plan_add"),
    path("<int:pk>/setup/districts/", setup_views.district_add_view, name="district_add"),
    path("<int:pk>/setup/slots/", setup_views.slots_add_view, name="slots_add"),
]
