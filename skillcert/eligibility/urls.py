from django.urls import path

from skillcert.eligibility import views

app_name = "eligibility"
urlpatterns = [
    path("", views.self_check, name="check"),
    path("rules/", views.rule_set_list, name="rule_sets"),
    path("rules/<str:code>/", views.rule_set_detail, name="rule_set"),
]
