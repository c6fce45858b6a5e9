"""What aggqlint knows of the Genesys Cloud Analytics API: endpoints, metric and dimension
vocabularies, their meanings, region hosts, and time as the API reads it (ISO 8601)."""
