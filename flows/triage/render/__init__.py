"""What staff read: wording, buttons, views, unasked notices, and answers to their actions."""
