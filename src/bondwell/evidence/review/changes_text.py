"""Fixed wording of published versions."""

FIRST_VERSION_NOTE = (
    "The evidence base shipped with Bondwell, read from abstracts, registry records and one Cochrane table "
    "(November 2026), published as the review's first version. Studies that did not select mothers with "
    "postnatal depression are listed as considered and excluded, with the reason."
)
