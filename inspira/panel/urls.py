"""The teacher panel's pages, one module per part, all in the namespace "panel"."""

from inspira.panel import urls_chats, urls_focus, urls_members, urls_submissions, urls_surveys

app_name = "panel"
urlpatterns = [
    *urls_members.urlpatterns,
    *urls_surveys.urlpatterns,
    *urls_chats.urlpatterns,
    *urls_submissions.urlpatterns,
    *urls_focus.urlpatterns,
]
