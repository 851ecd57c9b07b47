PUBLIC = {"favicon"}
