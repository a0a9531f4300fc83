from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Swedish unless the person chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, but Inspira is
    a Swedish public service: Swedish is the default for everyone, and English is a choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
