"""The follow-up pathway: every positive screen becomes a step someone owns, with a due date, attempts and an
outcome (the steps themselves are pure data in `bondwell.instruments.pathway`)."""
