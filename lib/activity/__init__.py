"""What ambassadors do: contributions and their imports, customer signals, the content library,
the post checker and recognition (points)."""
