"""Progress: mood, bonding and practice over time, for the mother, her clinician and the programme lead."""
