"""How cases move: work orders of service requests, applications' status flow, overdue escalation."""
