"""La Red: the accredited promoters' network after the course — plan, reports, reach, the municipality's report, the public agenda."""
