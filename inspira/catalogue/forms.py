from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from inspira.catalogue import hooks, media
from inspira.catalogue.models import SiteDocumentation
from inspira.catalogue.selectors import DELIVERY_PERIODS
from inspira.schools.models import District, SchoolForm


class SiteSearchForm(forms.Form):
    """The search and filters above the catalogue (GET). Bad values are ignored, not shown."""

    field_order = ["q", "area"]
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words in the area, the description, the subjects or the school's name."),
    )
    school_form = forms.ModelChoiceField(
        label=_("School form"), queryset=SchoolForm.objects.all(), required=False, to_field_name="code",
        empty_label=_("All school forms"), widget=forms.Select(attrs={"class": "form-select"}),
    )
    subject = forms.ChoiceField(
        label=_("Subject"), required=False, widget=forms.Select(attrs={"class": "form-select"}),
    )
    area = forms.CharField(
        label=_("Area or way of working"), required=False, max_length=100,
        help_text=_("Words in the area's title or description, e.g. “outdoor”."),
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False, empty_label=_("All districts"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, subjects: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("All subjects"))] + [(s, s) for s in subjects]
        # Only when an app that knows of occasions (visits) has registered the filter.
        if hooks.free_occasions_filter is not None:
            self.fields["free_occasions"] = forms.BooleanField(
                label=_("Only sites with study visits to book now"), required=False,
            )

    def filters(self) -> dict:
        """The valid filters as keyword arguments for ``selectors.site_search``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters = {
            "q": data.get("q") or "",
            "school_form": data.get("school_form"),
            "subject": data.get("subject") or "",
            "area": data.get("area") or "",
            "district": data.get("district"),
        }
        if "free_occasions" in self.fields:
            filters["free_occasions"] = bool(data.get("free_occasions"))
        return filters


class DeliveryFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Certifications"), required=False,
        choices=list(zip(DELIVERY_PERIODS, [_("In force today"), _("Ended"), _("All")], strict=True)),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    delivered = forms.ChoiceField(
        label=_("Documentation"), required=False,
        choices=[("", _("Delivered or not")), ("yes", _("Published")), ("no", _("Not published"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "period": data.get("period") or "current",
            "delivered": {"yes": True, "no": False}.get(data.get("delivered") or ""),
        }


class DocumentationForm(forms.ModelForm):
    """The text and the film of the documentation. Pictures are added one at a time (their own form)."""

    film_link = forms.URLField(
        label=_("Link to a film"), required=False, max_length=500, assume_scheme="https",
        validators=[URLValidator(schemes=["https"], code="https",
                                 message=_("Enter a link that starts with https://."))],
        help_text=_("A film on another website, e.g. the school's video service. It is shown as a link. Give "
                    "either a link or a film file."),
    )
    video = forms.FileField(
        label=_("Film file"), required=False,
        help_text=format_lazy(
            _("An MP4 or WebM film of at most {size} MB. Give either a film file or a link."),
            size=media.VIDEO_MAX_BYTES // (1024 * 1024)),
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm"}),
    )
    remove_video = forms.BooleanField(label=_("Remove the film file"), required=False)

    class Meta:
        model = SiteDocumentation
        fields = ["text", "film_description"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 14}),
            "film_description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["film_link"].initial = self.instance.film_link
        if not self.instance.video:
            del self.fields["remove_video"]
        self.order_fields(["text", "video", "remove_video", "film_link", "film_description"])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_film_link(self):
        link = (self.cleaned_data.get("film_link") or "").strip()
        if link and not link.lower().startswith("https://"):
            raise forms.ValidationError(_("Enter a link that starts with https://."), code="https")
        return link

    def clean_video(self):
        video = self.cleaned_data.get("video")
        if video:
            try:
                media.video_content_type(video)
            except media.VideoRejected as e:
                raise forms.ValidationError(str(e), code="video") from e
        return video

    def clean(self):
        data = super().clean()
        video, link = data.get("video"), data.get("film_link")
        keeps_video = bool(self.instance.video) and not data.get("remove_video")
        if link and (video or keeps_video):
            self.add_error("film_link", _("Give either a film file or a link to a film, not both."))
        has_film = bool(link or video or keeps_video)
        if has_film and not (data.get("film_description") or "").strip():
            self.add_error("film_description", _(
                "Describe what the film shows and says, for those who cannot see or hear it."
            ))
        return data
