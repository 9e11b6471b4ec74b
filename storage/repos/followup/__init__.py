"""Repositories of the follow-up: receipts, opt-in contacts, relayed messages, wrong guesses."""
