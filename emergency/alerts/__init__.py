"""Alerting coordinators: the one place that decides who is told, and how."""
