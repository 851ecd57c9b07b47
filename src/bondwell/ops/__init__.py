"""Operations: encrypted backups, restore into an empty database, and proof of the audit chain."""
