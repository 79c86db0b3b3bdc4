"""Usage replay: usage logs (reading, mapping, validation) and the engine that prices them on every model."""
