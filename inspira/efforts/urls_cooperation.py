from django.urls import path

from inspira.efforts import cooperation_views

app_name = "cooperation"

urlpatterns = [
    # The cooperation programmes (seed 004).
    path("", cooperation_views.index, name="index"),
    path("program/", cooperation_views.programme_list, name="programme_list"),
    path("program/nytt/", cooperation_views.programme_create, name="programme_create"),
    path("program/<int:pk>/", cooperation_views.programme_detail, name="programme_detail"),
    path("program/<int:pk>/andra/", cooperation_views.programme_edit, name="programme_edit"),
    path("program/<int:pk>/lardomar/", cooperation_views.programme_lessons, name="programme_lessons"),
    path("program/<int:pk>/rapport.pdf", cooperation_views.programme_report_pdf, name="programme_report_pdf"),
    path("program/<int:pk>/rapport.xlsx", cooperation_views.programme_report_xlsx, name="programme_report_xlsx"),
    path("program/<int:pk>/avslutningsseminarium/", cooperation_views.seminar_create, name="seminar_create"),
    path("program/<int:pk>/insatser/ny/", cooperation_views.effort_create, name="effort_create"),
    path("insatser/<int:pk>/", cooperation_views.effort_detail, name="effort_detail"),
    path("insatser/<int:pk>/andra/", cooperation_views.effort_edit, name="effort_edit"),
    path("insatser/<int:pk>/dokumentera/", cooperation_views.effort_document, name="effort_document"),
    path("insatser/<int:pk>/avsluta/", cooperation_views.effort_end, name="effort_end"),
    # Further pages are appended below.
]
