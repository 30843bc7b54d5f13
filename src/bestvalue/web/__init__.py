"""The bestvalue web platform (Django): agencies, roles, uploads, dashboards and the API.

A thin adapter: every figure comes from the core's Python API (``bestvalue.spend``,
``bestvalue.prioritise``, ``bestvalue.reports.assess``); nothing here computes on its own.
"""
