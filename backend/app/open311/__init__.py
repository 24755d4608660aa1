"""Open311 GeoReport v2: the open standard other civic software files and reads service requests through."""
