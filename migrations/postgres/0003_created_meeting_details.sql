ALTER TABLE created_meetings ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
