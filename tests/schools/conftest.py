import pytest

from inspira.schools.models import SchoolForm
from tests.factories import DistrictFactory


@pytest.fixture
def school_post_data(db):
    """A complete, valid school form as a browser would post it."""
    district = DistrictFactory(name="Norrmalm")
    forms = SchoolForm.objects.filter(code__in=[SchoolForm.Code.PRESCHOOL_CLASS, SchoolForm.Code.COMPULSORY])
    return {
        "name": "Engelbrektsskolan",
        "unit_code": "87654321",
        "organisation_number": "2120000142",
        "school_forms": [str(sf.pk) for sf in forms],
        "district": str(district.pk),
        "street_address": "Valhallavägen 1",
        "postal_code": "11422",
        "city": "Stockholm",
        "invoice_address": "Stockholms stad\nFakturaservice\nBox 1\n105 35 Stockholm",
        "invoice_reference": "UTB1234",
        "invoice_email": "",
        "contact_email": "engelbrekt@example.se",
    }
