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
