// Sends the SAML request on to the identity provider at once (the page's button does it without script).
document.getElementById("saml-post-binding").submit();
