"""Phone numbers people will dial: a crisis line, a site's fallback, a clinician's mobile.

A number is accepted only if it can be dialled in the site's country (a full number, or a short code such as
000, 988 or 116 123): "ring the ward" must never become a `tel:` link that dials nothing.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import shortnumberinfo

from bondwell.errors import BondwellError

# Bondwell's country codes as libphonenumber names the regions.
PHONE_REGION = {"AU": "AU", "UK": "GB", "US": "US"}
_DIALABLE_CHARACTERS = re.compile(r"^\+?[\d\s().-]+$")


class PhoneNumberError(BondwellError):
    """The text is not a number that can be dialled; the message says why, in plain words."""


def _parse(text: str, country: str) -> phonenumbers.PhoneNumber:
    cleaned = text.strip()
    if not cleaned:
        raise PhoneNumberError("Enter a phone number.")
    if not _DIALABLE_CHARACTERS.match(cleaned):
        raise PhoneNumberError(f"{cleaned!r} is not a phone number: use digits, spaces and an optional leading +.")
    try:
        return phonenumbers.parse(cleaned, PHONE_REGION.get(country, country))
    except phonenumbers.NumberParseException as error:
        raise PhoneNumberError(f"{cleaned!r} is not a phone number.") from error


def dialable(text: str, country: str) -> str:
    """The number as people should read it, if it can be dialled in `country` (full number or short code)."""
    number = _parse(text, country)
    if phonenumbers.is_valid_number(number) or shortnumberinfo.is_valid_short_number(number):
        return text.strip()
    raise PhoneNumberError(f"{text.strip()!r} is not a number that can be dialled in {country}.")


def mobile_e164(text: str, country: str) -> str:
    """A mobile number in E.164 form (+61412345678) for SMS, refusing landlines, short codes and junk."""
    number = _parse(text, country)
    if not phonenumbers.is_valid_number(number):
        raise PhoneNumberError(f"{text.strip()!r} is not a valid phone number in {country}.")
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise PhoneNumberError(f"{text.strip()!r} is not a mobile number, so it cannot receive text messages.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def tel_link(text: str) -> str:
    """The number as a tel: link wants it (digits and a leading +)."""
    return re.sub(r"[^\d+]", "", text)
