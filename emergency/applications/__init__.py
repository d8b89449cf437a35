"""The front door: carers' own applications for a plan, professionals' referrals, and the
carers' yearly reviews, from the public pages to the coordinators' queue."""
