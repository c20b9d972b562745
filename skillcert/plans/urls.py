from django.urls import path

from skillcert.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create_view, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/details/", views.plan_details_view, name="details"),
    path("<int:pk>/sessions/", views.plan_session_add_view, name="session_add"),
    path(
        "<int:pk>/sessions/<int:session_pk>/remove/",
        views.plan_session_remove_view,
        name="session_remove",
    ),
    path("<int:pk>/staff/", views.plan_staff_view, name="staff"),
    path("<int:pk>/file/", views.plan_file_view, name="file"),
    path("<int:pk>/open/", views.plan_open_view, name="open"),
    path("<int:pk>/close/", views.plan_close_view, name="close"),
    path("<int:pk>/review/", views.plan_review_view, name="review"),
    path("<int:pk>/sampling/", views.plan_sampling_view, name="sampling"),
]
