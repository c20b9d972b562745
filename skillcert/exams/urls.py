from django.urls import path

from skillcert.exams import examday_views, setup_views, views, views_bulk

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
    *examday_views.ROOM.urls(),
    path("slots/<int:pk>/sites/<int:site_pk>/", examday_views.site_day_view, name="site_day"),
    *examday_views.SITE.urls(),
    path(
        "slots/<int:pk>/sites/<int:site_pk>/checkins/",
        views_bulk.checkin_sheet,
        name="checkin_sheet",
    ),
    path(
        "slots/<int:pk>/sites/<int:site_pk>/checkins.xlsx",
        views_bulk.checkin_sheet_template,
        name="checkin_sheet_template",
    ),
    *views_bulk.SITE_BULK.urls(),
    path("misconduct/<int:pk>/", examday_views.misconduct_view, name="misconduct"),
    path(
        "misconduct/<int:pk>/evidence",
        examday_views.misconduct_evidence_view,
        name="misconduct_evidence",
    ),
    *examday_views.MISCONDUCT.urls(),
    path("districts/<int:pk>/", setup_views.district_view, name="district"),
    *setup_views.DISTRICT.urls(),
    path("districts/<int:pk>/rooms/upload/", setup_views.rooms_upload_view, name="rooms_upload"),
    path("districts/<int:pk>/postpone/", views.district_postpone_view, name="postpone"),
    path("<int:pk>/", views.sitting_detail, name="sitting"),
    path("<int:pk>/tickets/", views.ticket_job_start_view, name="ticket_job_start"),
    path("<int:pk>/setup/", setup_views.sitting_setup_view, name="setup"),
    *setup_views.SITTING.urls(),
]
