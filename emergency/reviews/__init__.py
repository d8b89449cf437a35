"""The 12-month plan review: coordinators told what falls due, carers reminded by text."""
