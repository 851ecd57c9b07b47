"""Every page a mother can reach, in one place. The pseudo-locale test (test_pseudo_locale.py) and the phone checks
(test_browser_mother_pages.py) both read these lists, and test_mother_pages.py derives the pages a signed-in mother
actually opens from the URLconf and the access matrix, so a new page cannot be missed by either of them."""

from __future__ import annotations

# Pages without arguments a signed-in mother opens (GET answers 200 with HTML).
SIGNED_IN = (
    "home", "my-record", "rights-mine", "mfa-security", "mfa-setup", "screening-my", "programme-practice",
    "programme-practice-new", "programme-reminders", "programme-guided", "programme-guided-offline",
    "programme-routine", "programme-courses", "progress-mine", "progress-summary", "offline", "evidence",
    "evidence-versions", "password_change", "password_change_done",
)

# Pages with arguments she reaches in a flow (her questionnaire: a question, the support screen, her result).
IN_A_FLOW = ("screening-answer", "screening-support", "screening-result")

# Pages she sees before signing in.
SIGNED_OUT = (
    "login", "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete",
)

# Answers she can open that are not pages: files, the offline app's worker and manifest.
NOT_PAGES = (
    "rights-mine-json", "rights-mine-pdf", "service-worker", "web-manifest", "evidence-template",
    "api-v1:openapi-json", "fhir-r4:openapi-json", "fhir-r4:metadata",
)

# Pages she could open by typing the address but that nothing she uses links to, with the reason.
NOT_FOR_HER = {
    "api-tokens": "a developer's page for API tokens; no link from any mother's page",
    "api-v1:openapi-view": "the REST API's reference for developers",
    "fhir-r4:openapi-view": "the FHIR API's reference for developers",
}
