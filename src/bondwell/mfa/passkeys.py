"""Passkeys (WebAuthn) as a second factor, verified by the `webauthn` library.

The relying party is the host the person signed in on (its name without the port); the origin is the scheme and
host of the request. Each ceremony's challenge lives in the session and is used once. Those are HTTP matters, so
the view reads them (`RelyingParty.of(request)`, the session) and hands them in: the functions here that change
state take `by: User` and never the request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from bondwell.accounts.access import audit
from bondwell.accounts.models import User
from bondwell.errors import BondwellError
from bondwell.mfa.models import Passkey

REGISTER_CHALLENGE = "_bondwell_passkey_register"
LOGIN_CHALLENGE = "_bondwell_passkey_login"
RP_NAME = "Bondwell"


class PasskeyError(BondwellError):
    """A passkey answer that does not verify; the message is shown to the person."""


@dataclass(frozen=True)
class RelyingParty:
    """Who asks for the passkey: the host's name without the port (`id`) and the page's scheme and host."""

    id: str
    origin: str

    @classmethod
    def of(cls, request: HttpRequest) -> RelyingParty:
        """Read by the view from the request the person signed in on."""
        host = request.get_host()
        return cls(id=host.rsplit(":", 1)[0] if not host.startswith("[") else host,
                   origin=f"{request.scheme}://{host}")


def registration_options(user: User, *, party: RelyingParty) -> tuple[str, str]:
    """The options for her browser (JSON) and the challenge the view keeps in her session for `register`."""
    options = generate_registration_options(
        rp_id=party.id,
        rp_name=RP_NAME,
        user_name=user.email,
        user_id=str(user.pk).encode(),
        user_display_name=user.full_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=bytes(p.credential_id)) for p in Passkey.objects.filter(user=user)
        ],
    )
    return str(options_to_json(options)), bytes_to_base64url(options.challenge)


def _parse(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise PasskeyError(gettext("The passkey answer could not be read. Try again.")) from error
    if not isinstance(data, dict):
        raise PasskeyError(gettext("The passkey answer could not be read. Try again."))
    return data


def register(body: bytes, *, by: User, party: RelyingParty, challenge: str | None) -> Passkey:
    """Add the passkey her browser made, once its answer verifies against the challenge she was given."""
    user = by
    data = _parse(body)
    if not challenge:
        raise PasskeyError(gettext("This passkey set-up has expired. Start again."))
    name = str(data.pop("name", "") or "Passkey").strip()[:60] or "Passkey"
    try:
        verified = verify_registration_response(
            credential=data.get("credential", data), expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=party.id, expected_origin=party.origin,
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as error:
        raise PasskeyError(gettext("Your passkey could not be checked. Try again.")) from error
    with transaction.atomic():
        passkey = Passkey.objects.create(
            user=user, name=name, credential_id=verified.credential_id,
            credential_id_b64=bytes_to_base64url(verified.credential_id),
            public_key=verified.credential_public_key, sign_count=verified.sign_count,
        )
        audit(None, "mfa:add-passkey", obj=user, actor=user, detail=f"passkey={passkey.pk}")
    return passkey


def login_options(user: User, *, party: RelyingParty) -> tuple[str, str]:
    """The options for her browser (JSON) and the challenge the view keeps in her session for `authenticate`."""
    options = generate_authentication_options(
        rp_id=party.id,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=bytes(p.credential_id)) for p in Passkey.objects.filter(user=user)
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return str(options_to_json(options)), bytes_to_base64url(options.challenge)


def authenticate(body: bytes, *, by: User, party: RelyingParty, challenge: str | None) -> Passkey:
    """Check her passkey's answer to the challenge she was given (audited either way)."""
    user = by
    data = _parse(body)
    if not challenge:
        raise PasskeyError(gettext("This passkey check has expired. Start again."))
    passkey = Passkey.objects.filter(user=user, credential_id_b64=str(data.get("id", ""))).first()
    if passkey is None:
        audit(None, "mfa:failed", obj=user, actor=user, detail="method=passkey, unknown credential")
        raise PasskeyError(gettext("That passkey is not registered to your account."))
    try:
        verified = verify_authentication_response(
            credential=data, expected_challenge=base64url_to_bytes(challenge), expected_rp_id=party.id,
            expected_origin=party.origin, credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError) as error:
        audit(None, "mfa:failed", obj=user, actor=user, detail="method=passkey")
        raise PasskeyError(gettext("Your passkey could not be checked. Try again.")) from error
    with transaction.atomic():
        Passkey.objects.filter(pk=passkey.pk).update(sign_count=verified.new_sign_count, last_used_at=timezone.now())
        audit(None, "mfa:verified", obj=user, actor=user, detail="method=passkey")
    return passkey
