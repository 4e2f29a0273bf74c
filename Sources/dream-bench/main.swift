print("dream-bench: under construction")
