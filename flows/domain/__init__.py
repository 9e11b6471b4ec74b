"""The task force's world, shared by every flow: catalog, report, ticket, staff card."""
