"""Read the forms of a rendered page: which fields a person could send, and what they hold."""

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html

# Inputs that are not typed into: what they send is fixed by the page.
FIXED_INPUT_TYPES = {"hidden"}
CHOICE_INPUT_TYPES = {"checkbox", "radio"}
BUTTON_TYPES = {"submit", "button", "image", "reset"}


@dataclass
class FormField:
    """One name the form sends. Radios and checkboxes of one name are one field with options."""

    name: str
    kind: str  # an input type ("text", "date", "hidden", "checkbox"...), "select", "textarea" or "submit"
    required: bool = False
    multiple: bool = False  # checkboxes and <select multiple> may send several values
    options: list[str] = field(default_factory=list)  # radios, checkboxes, select options
    values: list[str] = field(default_factory=list)  # what the page sends as it is
    attrs: dict = field(default_factory=dict)  # min, max, maxlength, inputmode, accept...

    @property
    def is_file(self) -> bool:
        return self.kind == "file"


@dataclass
class HtmlForm:
    action: str  # the path it posts to
    method: str
    fields: dict[str, FormField]
    enctype: str = ""
    csrf_token: str = ""  # sent with every request, as a browser does (the fuzz does not touch it)

    def baseline(self) -> dict[str, list[str]]:
        """What pressing the first submit button of the untouched form sends (as Enter would)."""
        data: dict[str, list[str]] = {}
        pressed = False
        for f in self.fields.values():
            if f.kind == "submit":
                if not pressed and f.options:
                    data[f.name], pressed = f.options[:1], True
                continue
            if f.is_file or not f.values:
                continue
            data[f.name] = list(f.values)
        return data


def _action_path(form, page_path: str) -> str:
    action = form.get("action") or ""
    return urlsplit(urljoin(page_path, action)).path


def parse_forms(html: str | bytes, page_path: str) -> list[HtmlForm]:
    """Every <form> of the page, with its fields (the CSRF token is left out: the client adds its own)."""
    doc = lxml.html.fromstring(html)
    forms = []
    for element in doc.iter("form"):
        fields: dict[str, FormField] = {}
        csrf = element.xpath(".//input[@name='csrfmiddlewaretoken']/@value")
        for control in element.iter("input", "select", "textarea", "button"):
            name = control.get("name")
            if not name or name == "csrfmiddlewaretoken" or control.get("disabled") is not None:
                continue
            attrs = {k: v for k, v in control.attrib.items() if k in {
                "min", "max", "maxlength", "minlength", "step", "inputmode", "accept", "pattern", "autocomplete"}}
            required = control.get("required") is not None
            if control.tag == "select":
                multiple = control.get("multiple") is not None
                options = [o.get("value", o.text_content()) for o in control.iter("option")]
                selected = [o.get("value", o.text_content()) for o in control.iter("option")
                            if o.get("selected") is not None]
                if not selected and not multiple and options:
                    selected = options[:1]  # a browser sends the first option
                fields[name] = FormField(name, "select", required, multiple, options, selected, attrs)
            elif control.tag == "textarea":
                text = control.text or ""
                # HTML drops one newline right after <textarea>; lxml keeps it.
                text = text[1:] if text.startswith("\n") else text
                fields[name] = FormField(name, "textarea", required, values=[text], attrs=attrs)
            else:
                kind = (control.get("type") or ("submit" if control.tag == "button" else "text")).lower()
                if kind in BUTTON_TYPES:
                    if kind == "submit" or control.tag == "button" and kind != "button":
                        existing = fields.setdefault(name, FormField(name, "submit"))
                        existing.options.append(control.get("value", ""))
                    continue
                value = control.get("value", "on" if kind in CHOICE_INPUT_TYPES else "")
                if kind in CHOICE_INPUT_TYPES:
                    existing = fields.setdefault(name, FormField(name, kind, multiple=kind == "checkbox"))
                    existing.options.append(value)
                    existing.required = existing.required or required
                    if control.get("checked") is not None:
                        existing.values.append(value)
                    continue
                if kind == "file":
                    attrs["multiple"] = control.get("multiple") is not None
                fields[name] = FormField(name, kind, required, values=[value] if kind != "file" else [], attrs=attrs)
        forms.append(HtmlForm(action=_action_path(element, page_path), method=(element.get("method") or "get").lower(),
                              fields=fields, enctype=element.get("enctype") or "", csrf_token=csrf[0] if csrf else ""))
    return forms


def forms_sending_to(html, page_path: str, target_path: str, method: str = "post") -> list[HtmlForm]:
    return [f for f in parse_forms(html, page_path) if f.method == method and f.action == target_path]
