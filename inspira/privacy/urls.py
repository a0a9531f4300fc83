from django.urls import path

from inspira.privacy import views

app_name = "privacy"
urlpatterns = [
    path("mina-uppgifter/", views.export, name="export"),
    path("personer/<int:user_id>/radera/", views.erase, name="erase"),
]
