from django.urls import path

from bondwell.mfa import views

urlpatterns = [
    path("mfa/", views.security, name="mfa-security"),
    path("mfa/setup/", views.setup, name="mfa-setup"),
    path("mfa/verify/", views.verify, name="mfa-verify"),
    path("mfa/recovery-codes/", views.recovery_codes, name="mfa-recovery-codes"),
    path("mfa/forget-browsers/", views.forget_devices, name="mfa-forget-devices"),
    path("mfa/passkeys/options/", views.passkey_options, name="mfa-passkey-options"),
    path("mfa/passkeys/", views.passkey_add, name="mfa-passkey-add"),
    path("mfa/passkeys/sign-in/options/", views.passkey_login_options, name="mfa-passkey-login-options"),
    path("mfa/passkeys/sign-in/", views.passkey_login, name="mfa-passkey-login"),
    path("staff/<int:user_id>/second-factor/reset/", views.reset, name="mfa-reset"),
]
