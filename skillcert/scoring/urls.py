from django.urls import path

from skillcert.scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("marking/", views.marking, name="marking"),
    path("analysis/", views.analysis_list, name="analyses"),
    path("analysis/<int:pk>/", views.analysis_detail, name="analysis"),
    path("my/", views.my_results, name="my_results"),
    path("my/<int:pk>/recheck/", views.recheck_request, name="recheck"),
    path("query/", views.public_query, name="query"),
]
