"""The course's pre/post measurement: survey files, their scoring and the statistics of the impact report."""
