"""The web app: server-rendered dashboards and the indicator API, in Finnish, Swedish, English."""
