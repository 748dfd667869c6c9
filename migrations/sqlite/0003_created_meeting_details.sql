-- Everything sent for a meeting created here (attendees, flags, notify, zone), as JSON, so its
-- confirmation can be shown again later.
ALTER TABLE created_meetings ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
