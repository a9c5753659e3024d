"""Operations: the demo organisation, backup and restore."""
