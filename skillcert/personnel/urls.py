from django.urls import path

from skillcert.personnel import views

app_name = "personnel"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("me/", views.my_personnel, name="me"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/summary/", views.plan_summary, name="plan_summary"),
    path("plans/<int:pk>/register/", views.plan_register, name="plan_register"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    path("registrations/<int:pk>/action/", views.registration_action, name="registration_action"),
]
