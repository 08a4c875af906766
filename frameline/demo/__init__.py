"""The demo production `demo`: an original short screenplay, its cast, facts and budget."""
