"""The Flask lab web app."""
