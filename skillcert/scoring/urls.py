from django.urls import path

from skillcert.scoring import urls_enterprise, views, views_actions, views_setup

app_name = "scoring"
urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/entry/", views_actions.entry, name="entry"),
    path("batches/<int:pk>/practical/", views_actions.practical, name="practical"),
    path("batches/<int:pk>/panel/", views_actions.panel, name="panel"),
    path("batches/<int:pk>/submit/", views_actions.batch_submit, name="batch_submit"),
    path("batches/<int:pk>/publish/", views_actions.batch_publish, name="batch_publish"),
    path("batches/<int:pk>/reopen/", views_actions.batch_reopen, name="batch_reopen"),
    path(
        "batches/<int:pk>/registration_submit/",
        views_actions.batch_registration_submit,
        name="batch_registration_submit",
    ),
    path("batches/<int:pk>/register/", views_actions.batch_register, name="batch_register"),
    path(
        "batches/<int:pk>/return/",
        views_actions.batch_registration_return,
        name="batch_registration_return",
    ),
    path("results/<int:pk>/enter/", views_actions.result_enter, name="result_enter"),
    path("results/<int:pk>/state/", views_actions.result_state, name="result_state"),
    path("results/<int:pk>/evaluate/", views_actions.result_evaluate, name="result_evaluate"),
    path("rechecks/<int:pk>/complete/", views_actions.recheck_complete, name="recheck_complete"),
    path("work/", views_actions.work, name="work"),
    path("marking/", views.marking, name="marking"),
    path("analysis/", views.analysis_list, name="analyses"),
    path("analysis/<int:pk>/", views.analysis_detail, name="analysis"),
    path("my/", views.my_results, name="my_results"),
    path("my/<int:pk>/recheck/", views.recheck_request, name="recheck"),
    path("query/", views.public_query, name="query"),
]

urlpatterns += urls_enterprise.urlpatterns

# set-up
urlpatterns += [
    path("plans/<int:plan_pk>/open/", views_setup.batch_open, name="batch_open"),
    path(
        "batches/<int:pk>/entry_account/",
        views_setup.batch_entry_account,
        name="batch_entry_account",
    ),
    path("batches/<int:pk>/staff/<str:duty>/", views_setup.batch_staff, name="batch_staff"),
    path("batches/<int:pk>/scripts/", views_setup.batch_scripts, name="batch_scripts"),
    path("batches/<int:pk>/responses/", views_setup.batch_responses, name="batch_responses"),
    path("responses/<int:pk>/", views_setup.response_upload, name="response_upload"),
]
