from django import forms
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from inspira.accounts.models import User
from inspira.core.search import text_matches

# How many people a search offers to choose from; a narrower search finds the rest.
SEARCH_LIMIT = 20


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or email address"), max_length=100, required=False)


class SwitchForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("on", _("On")), ("off", _("Off"))],
                                    coerce=lambda value: value == "on", widget=forms.HiddenInput)


class CoordinatorAddForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), widget=forms.RadioSelect,
        error_messages={"required": _("Choose the person who will coordinate the programme."),
                        "invalid_choice": _("Choose one of the people found.")},
    )

    def __init__(self, *args, query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("name", "email")
        if query:
            # Only the people the search found can be chosen: the list shows them all.
            matches = people.filter(text_matches(query, "name", "email")).values("pk")[:SEARCH_LIMIT]
            people = people.filter(pk__in=Subquery(matches))
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda user: f"{user.name} ({user.email})" if user.name \
            else user.email
