from django.urls import path

from inspira.federation import views

app_name = "federation"
urlpatterns = [
    path("", views.discovery, name="discovery"),
    path("koppla-konto/", views.link, name="link"),
    path("inloggningstjanster/", views.providers, name="providers"),
    path("inloggningstjanster/andra/", views.provider_edit, name="provider_edit"),
]
