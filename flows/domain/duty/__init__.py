"""Who is on duty and how tickets reach them: the staff register, the roster, routing, SLA."""
