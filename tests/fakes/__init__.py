"""Stand-ins for the outside world and tiny real models that tests build instead of downloading."""
