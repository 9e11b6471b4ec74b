"""Repositories of the case-system link: outbound events, per-ticket link state, inbound ids."""
