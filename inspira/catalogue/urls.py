from django.urls import path

from inspira.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.site_list, name="index"),
    path("<int:pk>/", views.site_detail, name="site"),
    path("<int:pk>/folder.pdf", views.site_leaflet, name="leaflet"),
    path("bild/<int:image_id>/<str:size>/", views.site_picture, name="picture"),
    path("dokumentation/bild/<int:image_id>/<str:size>/", views.documentation_picture,
         name="documentation_picture"),
    path("mina/", views.my_sites, name="mine"),
    path("<int:pk>/hantera/", views.site_manage, name="manage"),
    path("<int:pk>/ansok-igen/", views.site_reapply, name="reapply"),
    path("<int:pk>/dokumentation/", views.documentation_edit, name="documentation"),
    path("<int:pk>/dokumentation/bilder/", views.documentation_picture_add, name="documentation_picture_add"),
    path("<int:pk>/dokumentation/bilder/<int:image_id>/ta-bort/", views.documentation_picture_delete,
         name="documentation_picture_delete"),
    path("<int:pk>/dokumentation/publicera/", views.documentation_publish, name="documentation_publish"),
    path("dokumentation/", views.documentation_deliveries, name="deliveries"),
]
