"""The external price databases (genai-prices, LiteLLM): the drift check and the importer."""
