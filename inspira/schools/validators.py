from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr


def normalise_organisation_number(value: str) -> str:
    """Validate a Swedish organisation number (with its check digit) and return it as
    ``NNNNNN-NNNN``. Raises a ValidationError with a Swedish-translatable message."""
    try:
        number = orgnr.validate(value)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The check digit does not match. Check the organisation number for typing errors."),
            code="checksum",
        ) from exc
    except (InvalidLength, InvalidFormat) as exc:
        raise ValidationError(
            _("Enter an organisation number with ten digits, e.g. 212000-0142."), code="format"
        ) from exc
    except StdnumError as exc:
        raise ValidationError(_("This is not a valid organisation number."), code="invalid") from exc
    return orgnr.format(number)


def validate_organisation_number(value: str) -> None:
    normalise_organisation_number(value)


def validate_unit_code(value: str) -> None:
    if not (len(value) == 8 and value.isascii() and value.isdigit()):
        raise ValidationError(_("A school unit code is exactly eight digits."), code="unit_code")


def normalise_unit_code(value: str) -> str:
    """Accept "1234 5678" as typed and return "12345678"; raise if it is not eight digits."""
    compact = "".join(value.split())
    validate_unit_code(compact)
    return compact


def normalise_postal_code(value: str) -> str:
    """Validate a Swedish postal code and return it as the post office writes it, "NNN NN"."""
    compact = "".join(value.split())
    if not (len(compact) == 5 and compact.isascii() and compact.isdigit() and compact[0] != "0"):
        raise ValidationError(_("Enter a postal code with five digits, e.g. 111 22."), code="postal_code")
    return f"{compact[:3]} {compact[3:]}"
