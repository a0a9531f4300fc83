from inspira.core.links import absolute_url


def test_an_absolute_link_joins_the_site_address_and_the_path(settings):
    settings.SITE_URL = "https://inspira.example.se/"
    assert absolute_url("visits:booking", 7) == "https://inspira.example.se/besok/bokningar/7/"
    assert absolute_url("certification:endorse", token="abc") == "https://inspira.example.se/ansokan/tillstyrkan/abc/"
    assert absolute_url("core:dashboard") == "https://inspira.example.se/min-sida/"
