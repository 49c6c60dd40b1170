"""双告知: the departments to notify of enterprises whose business scope needs a post-approval
licence, from a catalogue kept as data (docs/approval-notices.md)."""
