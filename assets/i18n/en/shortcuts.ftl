# shortcuts
