"""surveys pages of the teacher panel (namespace "panel", under /lararpanelen/)."""

urlpatterns = []
