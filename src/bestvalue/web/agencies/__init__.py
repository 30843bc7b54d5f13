"""Agencies own their data; members have roles; every view and API call is scoped to them."""
