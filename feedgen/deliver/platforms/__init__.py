"""Clients for the platforms' HTTP APIs that `feedgen deliver` talks to after (or instead of) a file upload.

- `amazon`: SP-API Feeds 2021-06-30 — submit a JSON_LISTINGS_FEED, poll it, read its processing report.
- `meta`: Graph API — ask a catalog's product feed to fetch the file now, read the upload session.
- `google`: Merchant API v1 — read a data source's latest file upload and its issues.

Each turns what the platform reported into `feedgen.diagnostics.Diagnostic`s (`<platform>.report.*` /
`<platform>.remote.*`) and raises the delivery exceptions of `feedgen.deliver.errors`. All HTTP goes
through `http.ApiSession` (timeouts, rate limits, retries, secret-free messages)."""
