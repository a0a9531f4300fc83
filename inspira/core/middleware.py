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


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every answer made for someone: a logged-in person,
    or a visitor whose session holds something of theirs.

    Pages, invoice PDFs and XML and exports show personal and financial data, and a browser would
    otherwise keep them on disk, where the next person at a shared computer in a school could open
    them from its history. Done once here rather than view by view, so a new view cannot forget it.
    An anonymous visitor without a session gets the public pages untouched: they are the same for
    everyone and stay cacheable (inspira/core/pagecache.py). An answer that calls itself public
    (a picture of a site in the catalogue) is left as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._personal(request) and "public" not in _directives(response):
            directives = [d for d in _directives(response)
                          if d.split("=", 1)[0] not in {"private", "no-store", "max-age", "s-maxage"}]
            response.headers["Cache-Control"] = ", ".join(["private", "no-store", *directives])
        return response

    @staticmethod
    def _personal(request) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        session = getattr(request, "session", None)
        return session is not None and not session.is_empty()


def _directives(response) -> list[str]:
    return [d.strip().lower() for d in response.get("Cache-Control", "").split(",") if d.strip()]
