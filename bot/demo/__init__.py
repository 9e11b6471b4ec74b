"""`lapor-tppo demo`: the whole system on one machine, with a built-in Bot API stand-in and a
web page that shows a reporter's chat, the task force's group and a staff member's chat."""
