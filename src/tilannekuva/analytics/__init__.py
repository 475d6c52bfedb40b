"""Analyses beyond the indicators: failure demand, care pathways, segments, costs, forecasts."""
