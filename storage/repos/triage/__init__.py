"""Repositories of tickets and the task force: tickets, audit, notes, referrals, staff, roster."""
