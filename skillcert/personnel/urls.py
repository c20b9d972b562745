from django.urls import path

from skillcert.personnel import views, views_registry

app_name = "personnel"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views_registry.person_create, name="person_create"),
    path("me/", views.my_personnel, name="me"),
    path("<int:pk>/", views_registry.person_detail, name="person"),
    path("<int:pk>/certificates/", views_registry.certificate_add, name="certificate_add"),
    path(
        "<int:pk>/certificates/<int:entry>/remove/",
        views_registry.certificate_remove,
        name="certificate_remove",
    ),
    path("<int:pk>/titles/", views_registry.title_add, name="title_add"),
    path("<int:pk>/titles/<int:entry>/remove/", views_registry.title_remove, name="title_remove"),
    path("<int:pk>/work/", views_registry.work_add, name="work_add"),
    path("<int:pk>/work/<int:entry>/remove/", views_registry.work_remove, name="work_remove"),
    path(
        "<int:pk>/qualification/",
        views_registry.qualification_check,
        name="qualification_check",
    ),
    path("<int:pk>/roles/", views_registry.role_appoint, name="role_appoint"),
    path("<int:pk>/agreements/", views_registry.agreement_sign, name="agreement_sign"),
    path(
        "<int:pk>/declarations/",
        views_registry.declaration_record,
        name="declaration_record",
    ),
    path("<int:pk>/relations/", views_registry.relation_declare, name="relation_declare"),
    path("<int:pk>/suspend/", views_registry.person_suspend, name="person_suspend"),
    path("<int:pk>/reinstate/", views_registry.person_reinstate, name="person_reinstate"),
    path("<int:pk>/ban/", views_registry.person_ban, name="person_ban"),
    path("<int:pk>/account/", views_registry.account_create, name="account_create"),
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
