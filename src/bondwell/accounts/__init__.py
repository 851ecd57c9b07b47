"""Users, roles, sites, mothers and babies, the scoping layer and the access audit."""
