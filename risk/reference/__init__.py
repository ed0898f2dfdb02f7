"""Reference data: shipped editions, loading new ones, country matching, lookup tables."""
