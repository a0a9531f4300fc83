from djangosaml2.middleware import SamlSessionMiddleware


class FederationSessionMiddleware(SamlSessionMiddleware):
    """djangosaml2's session for the SAML requests not yet answered, with its cookie always Secure.

    The identity provider's answer is a cross-site POST: the browser sends only cookies marked
    SameSite=None, and it accepts SameSite=None only with Secure. djangosaml2 marks the cookie Secure only
    when Django's session cookie is (SECURE_COOKIES, off on a developer's http://127.0.0.1, where Chromium
    still keeps Secure cookies as the address is local).
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        cookie = response.cookies.get(self.cookie_name)
        if cookie is not None and cookie.value:
            cookie["secure"] = True
        return response
