print("dream-run: under construction")
