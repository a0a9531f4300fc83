"""chats pages of the teacher panel (namespace "panel", under /lararpanelen/)."""

from django.urls import path

from inspira.panel import views_chats as views

urlpatterns = [
    path("chattar/", views.chats, name="chats"),
    path("chattar/<int:pk>/", views.chat, name="chat"),
    path("chattar/<int:pk>/flode/", views.chat_feed, name="chat_feed"),
    path("chattar/<int:pk>/moderera/", views.chat_moderate, name="chat_moderate"),
    path("chattar/<int:pk>/svara/", views.chat_lead, name="chat_lead"),
    path("chattar/<int:pk>/protokoll/", views.chat_transcript, name="chat_transcript"),
    path("chattar/ny/", views.chat_new, name="chat_new"),
    path("chattar/<int:pk>/publicera-protokoll/", views.chat_transcript_publish, name="chat_transcript_publish"),
    path("chattar/<int:pk>/uppfoljning/", views.chat_followups, name="chat_followups"),
]
