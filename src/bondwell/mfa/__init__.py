"""Second factor at sign-in: TOTP (django-otp), passkeys (WebAuthn), recovery codes and remembered devices."""
