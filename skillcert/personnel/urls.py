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
    path(
        "registrations/<int:pk>/recommend/",
        views.registration_recommend,
        name="registration_recommend",
    ),
    path(
        "registrations/<int:pk>/city-approve/",
        views.registration_city_approve,
        name="registration_city_approve",
    ),
    path(
        "registrations/<int:pk>/city-reject/",
        views.registration_city_reject,
        name="registration_city_reject",
    ),
    path(
        "registrations/<int:pk>/province-approve/",
        views.registration_province_approve,
        name="registration_province_approve",
    ),
    path(
        "registrations/<int:pk>/province-reject/",
        views.registration_province_reject,
        name="registration_province_reject",
    ),
    path(
        "registrations/<int:pk>/withdraw/",
        views.registration_withdraw,
        name="registration_withdraw",
    ),
    path(
        "registrations/<int:pk>/learning/",
        views.registration_learn,
        name="registration_learn",
    ),
    path(
        "registrations/<int:pk>/exam/",
        views.registration_exam,
        name="registration_exam",
    ),
    path(
        "registrations/<int:pk>/pledge/",
        views.registration_pledge,
        name="registration_pledge",
    ),
    path(
        "registrations/<int:pk>/card/issue/",
        views.registration_card_issue,
        name="registration_card_issue",
    ),
    path(
        "registrations/<int:pk>/card/collect/",
        views.registration_card_collect,
        name="registration_card_collect",
    ),
]
