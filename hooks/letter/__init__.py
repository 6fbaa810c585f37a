"""The letter itself: its numbered paragraphs, the page that shows it in full, and the
check that every topic page says which paragraphs it presents (plain Python, no MkDocs)."""
