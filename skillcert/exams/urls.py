from django.urls import path

from skillcert.exams import views

app_name = "exams"
urlpatterns = [
    path("", views.sitting_list, name="list"),
    path("tickets/", views.my_tickets, name="my_tickets"),
    path("tickets/<str:ticket_no>.pdf", views.my_ticket_pdf, name="my_ticket_pdf"),
    path("checkin/<str:token>/", views.checkin_view, name="checkin"),
    path("checkin/<str:token>/photo", views.checkin_photo, name="checkin_photo"),
    path("jobs/<int:pk>/", views.ticket_job_view, name="job"),
    path("jobs/<int:pk>/sites/<int:site_pk>.zip", views.ticket_job_site_zip, name="job_site_zip"),
    path("slots/<int:pk>/seats/", views.seats_assign_view, name="seats_assign"),
    path("slots/<int:pk>/staff/", views.staff_view, name="staff"),
    path("slots/<int:pk>/rooms/<int:room_pk>/roster.pdf", views.roster_pdf_view, name="roster"),
    path("slots/<int:pk>/rooms/<int:room_pk>/door/", views.door_list_view, name="door_list"),
    path("slots/<int:pk>/rooms/<int:room_pk>/chart/", views.seat_chart_view, name="seat_chart"),
    path("districts/<int:pk>/postpone/", views.district_postpone_view, name="postpone"),
    path("<int:pk>/", views.sitting_detail, name="sitting"),
    path("<int:pk>/tickets/", views.ticket_job_start_view, name="ticket_job_start"),
]
