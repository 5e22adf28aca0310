# workspace
