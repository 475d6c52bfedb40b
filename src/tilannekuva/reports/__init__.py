"""Reports and exports for management, Power BI and national collections."""
