from django.urls import path

from inspira.efforts import delivery_views, views

app_name = "efforts"

urlpatterns = [
    # The programme's page (tailor-made development, seed 001).
    path("", views.index, name="index"),
    # One effort's case (the centre and the unit's principal).
    path("<int:pk>/", views.effort_detail, name="effort_detail"),
    # Further pages (the request, the planning meeting, the clock, proposals, sessions,
    # documentation, evaluation, the overview...) are appended below.
]

# The delivery (seed 001, steps 6-7): sessions, documentation, ending, the evaluation at the last session.
urlpatterns += [
    path("<int:pk>/traffar/ny/", delivery_views.session_add, name="session_add"),
    path("<int:pk>/traffar/<int:session_id>/andra/", delivery_views.session_edit, name="session_edit"),
    path("<int:pk>/traffar/<int:session_id>/stall-in/", delivery_views.session_cancel, name="session_cancel"),
    path("<int:pk>/dokumentation/", delivery_views.document_list, name="documents"),
    path("<int:pk>/dokumentation/ny/", delivery_views.document_add, name="document_add"),
    path("<int:pk>/dokumentation/<int:document_id>/fil/", delivery_views.document_download,
         name="document_download"),
    path("<int:pk>/avsluta/", delivery_views.effort_end, name="effort_end"),
    path("<int:pk>/utvardering/", delivery_views.evaluation_summary, name="evaluation_summary"),
    path("<int:pk>/utvardering/skapa/", delivery_views.evaluation_create, name="evaluation_create"),
    path("<int:pk>/utvardering/bjud-in/", delivery_views.evaluation_invite, name="evaluation_invite"),
    path("<int:pk>/utvardering/dela/", delivery_views.evaluation_share, name="evaluation_share"),
]
