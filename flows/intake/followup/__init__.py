"""The reporter's side of the follow-up: /status by receipt, adding to a ticket, answering the
task force.

`steps` holds the intake flow's steps for it, `effects` what it asks of the adapter (and the
events the adapter answers with), `text` its words. Receipts are read and printed by
flows/domain/receipt.py; the staff side (/balas) is in flows/triage.
"""
