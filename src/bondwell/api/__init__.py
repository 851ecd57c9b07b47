"""The API and interoperability: REST under /api/v1/, FHIR R4 under /fhir/R4/, REDCap in and out, API tokens.

A thin shell: every read goes through `bondwell.accounts.access` (and the studies' `access_study`), every
change through the owning capability's service function, exactly as the web pages do.
"""
