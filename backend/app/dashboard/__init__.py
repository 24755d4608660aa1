"""The supervisor dashboard: the hotline's KPIs over a period, computed from the stored records."""
