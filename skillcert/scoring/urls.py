from django.urls import path

from skillcert.scoring import urls_enterprise, views, views_actions, views_bulk, views_setup

app_name = "scoring"
urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/entry/", views_actions.entry, name="entry"),
    path("batches/<int:pk>/entry/sheet/", views_bulk.entry_sheet_upload, name="entry_sheet"),
    path(
        "batches/<int:pk>/entry/sheet.xlsx",
        views_bulk.entry_sheet_template,
        name="entry_sheet_template",
    ),
    path("batches/<int:pk>/practical/", views_actions.practical, name="practical"),
    path("batches/<int:pk>/panel/", views_actions.panel, name="panel"),
    *views_actions.BATCH.urls(),
    *views_actions.RESULT.urls(),
    *views_actions.RECHECK.urls(),
    path("work/", views_actions.work, name="work"),
    path("marking/", views.marking, name="marking"),
    path("analysis/", views.analysis_list, name="analyses"),
    path("analysis/<int:pk>/", views.analysis_detail, name="analysis"),
    path("my/", views.my_results, name="my_results"),
    *views.MY_RESULT.urls(),
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
