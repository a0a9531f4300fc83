from django.urls import path

from inspira.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<slug:key>/pa-av/", views.programme_switch, name="switch"),
    path("<slug:key>/samordnare/", views.coordinator_add, name="coordinator_add"),
    path("<slug:key>/samordnare/<int:user_id>/ta-bort/", views.coordinator_remove, name="coordinator_remove"),
]
