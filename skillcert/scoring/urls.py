from django.urls import path

from skillcert.scoring import views, views_actions

app_name = "scoring"
urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/entry/", views_actions.entry, name="entry"),
    path("batches/<int:pk>/practical/", views_actions.practical, name="practical"),
    path("batches/<int:pk>/panel/", views_actions.panel, name="panel"),
    path("batches/<int:pk>/<slug:action>/", views_actions.batch_action, name="batch_action"),
    path("results/<int:pk>/<slug:action>/", views_actions.result_action, name="result_action"),
    path("rechecks/<int:pk>/complete/", views_actions.recheck_complete, name="recheck_complete"),
    path("work/", views_actions.work, name="work"),
    path("marking/", views.marking, name="marking"),
    path("analysis/", views.analysis_list, name="analyses"),
    path("analysis/<int:pk>/", views.analysis_detail, name="analysis"),
    path("my/", views.my_results, name="my_results"),
    path("my/<int:pk>/recheck/", views.recheck_request, name="recheck"),
    path("query/", views.public_query, name="query"),
]
