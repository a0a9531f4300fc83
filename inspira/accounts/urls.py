from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from inspira.accounts import views
from inspira.accounts.forms import LoginForm, OutboxPasswordResetForm

app_name = "accounts"
urlpatterns = [
    path(
        "logga-in/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("logga-ut/", views.logout, name="logout"),
    path("losenord/byt/", views.password_change, name="password_change"),
    path(
        "losenord/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            success_url=reverse_lazy("accounts:password_reset_done"),
            form_class=OutboxPasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "losenord/nytt/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "losenord/klart/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("skapa-konto/", views.signup_choose_school, name="signup"),
    path("skapa-konto/<int:school_id>/", views.signup, name="signup_form"),
    path("skapa-konto/kontrollera-e-post/", views.signup_done, name="signup_done"),
    path("verifiera/ny-lank/", views.verify_resend, name="verify_resend"),
    path("verifiera/<str:token>/", views.verify_email, name="verify_email"),
    path("profil/", views.profile, name="profile"),
    path("profil/ny-skola/", views.join_school, name="join_school"),
    path("personer/", views.people, name="people"),
    path("personer/<int:user_id>/", views.person_edit, name="person_edit"),
    path("personer/<int:user_id>/tvastegsverifiering/aterstall/", views.two_factor_reset, name="two_factor_reset"),
    path("personer/<int:user_id>/sessioner/", views.person_sessions, name="person_sessions"),
    path("personer/<int:user_id>/sessioner/<int:sign_in_id>/avsluta/", views.session_end, name="session_end"),
    path("personer/<int:user_id>/sessioner/avsluta-alla/", views.sessions_end_all, name="sessions_end_all"),
    path("tvastegsverifiering/", views.two_factor_verify, name="two_factor_verify"),
    path("tvastegsverifiering/reservkod/", views.two_factor_recovery, name="two_factor_recovery"),
    path("tvastegsverifiering/aktivera/", views.two_factor_enrol, name="two_factor_enrol"),
    path("tvastegsverifiering/reservkoder/", views.two_factor_codes, name="two_factor_codes"),
    path("tvastegsverifiering/nya-reservkoder/", views.two_factor_codes_new, name="two_factor_codes_new"),
    path("skolor/<int:school_id>/medlemmar/", views.school_members, name="school_members"),
    path("medlemskap/<int:membership_id>/bekrafta/", views.membership_confirm, name="membership_confirm"),
    path("medlemskap/<int:membership_id>/avsla/", views.membership_reject, name="membership_reject"),
    path("medlemskap/<int:membership_id>/roll/", views.membership_set_role, name="membership_set_role"),
]
