"""The review page links each problem to its field; the field it leads to is marked invalid."""

import re

from django.urls import reverse
from django.utils import timezone

from .conftest import make_application


def field_tag(html: str, field_id: str) -> str:
    return re.search(rf'<(?:input|textarea|select)[^>]*id="{field_id}"[^>]*>', html).group(0)


def test_a_field_reached_from_the_review_page_is_marked_invalid(client_for, staff, school, en):
    application = make_application(school=school, applicant=staff, commits_to_five_visits=False,
                                   experience_since=timezone.localdate())
    client = client_for(staff)
    links = re.findall(r'href="([^"]*\?check=1#id_[a-z_]+)"',
                       client.post(reverse("certification:step", args=[application.pk, 6])).content.decode())
    assert links
    for link in links:
        url, field_id = link.split("#")
        html = client.get(url).content.decode()
        tag = field_tag(html, field_id)
        assert 'aria-invalid="true"' in tag and "is-invalid" in tag, tag
        assert f'id="{field_id}_error"' in html  # the message is at the field, and the field points to it
    # Without the review page's mark, the same step shows its fields as they are.
    html = client.get(links[0].split("?")[0]).content.decode()
    assert 'aria-invalid="true"' not in html and "Nothing is saved yet" not in html
