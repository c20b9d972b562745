from django.urls import path

from skillcert.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create_view, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/file/", views.plan_file_view, name="file"),
    path("<int:pk>/review/", views.plan_review_view, name="review"),
    *views.PLAN_EDIT.urls(),
    *views.PLAN.urls(),
]
