import importlib

import pytest
from django.apps import apps

programmes_migration = importlib.import_module("inspira.programmes.migrations.0002_the_five_programmes")
school_forms_migration = importlib.import_module("inspira.schools.migrations.0002_school_forms")
panel_migration = importlib.import_module("inspira.panel.migrations.0002_subjects_and_consent")


@pytest.fixture
def panel_reference_data(transactional_db):
    """A transactional test empties the tables afterwards; put back what the migrations made (the school
    forms, the programmes, the panel's subjects and first consent text)."""
    school_forms_migration.create_school_forms(apps, None)
    programmes_migration.create(apps, None)
    panel_migration.forwards(apps, None)
