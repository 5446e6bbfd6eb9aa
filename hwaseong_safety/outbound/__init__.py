"""Everything that leaves for another system: ``http`` is the one HTTP client (timeouts, transient
or permanent errors, numbers scrubbed from error text) and ``outbox`` the one outbox mechanism
(claim with a lease, the attempt recorded before the request, backoff, a sweep of stale rows).
SMS (sms/) and police/fire dispatch (alerts/dispatch/) are each a small adapter over them."""
