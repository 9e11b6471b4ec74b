"""The case-system link: signed events out (Standard Webhooks), status changes in, the register."""
