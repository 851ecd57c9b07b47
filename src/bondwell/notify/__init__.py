"""Notify: one outbox for every message Bondwell sends, its channels, on-call routing and the service's health.

Below the capabilities: it imports `bondwell.accounts` and nothing above it. Capabilities queue messages with
`bondwell.notify.outbox.queue` inside the transaction that causes them; the worker sends them.
"""
