from django.conf import settings


def inspira(request):
    return {
        "contact_email": settings.PROGRAMME_CONTACT_EMAIL,
        "demo_mode": settings.INSPIRA_DEMO,
    }
