"""Studies: set-up, screening log, consent and enrolment, concealed randomisation, follow-up, analysis,
CONSORT and pseudonymised exports. The statistics themselves live in `bondwell.stats.trial`."""
