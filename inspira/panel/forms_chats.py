"""Forms of the panel's chats: a new chat with the leadership."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspira.accounts.models import User
from inspira.panel.models import Chat


def _when():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ChatForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = forms.DateTimeField(label=gettext_lazy("Starts"), widget=_when())
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends"), widget=_when())
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    online_link = forms.URLField(label=gettext_lazy("Online link"), required=False, assume_scheme="https")
    leadership = forms.ChoiceField(label=gettext_lazy("With whom"), choices=Chat.Leadership.choices)
    leaders = forms.CharField(
        label=gettext_lazy("Who answer (email addresses, one a line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The people who answer in writing during the chat; they must have an account."))

    def clean_leaders(self):
        emails = [line.strip().lower() for line in self.cleaned_data["leaders"].splitlines() if line.strip()]
        if len(emails) > 20:
            raise forms.ValidationError(_("Give at most 20 addresses."))
        query = Q(pk__in=[])
        for email in emails:
            query |= Q(email__iexact=email)
        users = {u.email.lower(): u for u in User.objects.filter(query, is_active=True)}
        missing = [e for e in emails if e not in users]
        if missing:
            raise forms.ValidationError(
                _("No active user has the address %(emails)s.") % {"emails": ", ".join(missing)})
        return list({u.pk: u for u in (users[e] for e in emails)}.values())

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The chat must end after it starts."))
        if not data.get("place") and not data.get("online_link") and "online_link" not in self.errors:
            self.add_error("online_link", _("Give a place or an online link."))
        return data
