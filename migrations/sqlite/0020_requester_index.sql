-- Someone's own deletion requests (the home page's "Your requests", and the rejection a meeting's
-- page tells its requester of), read on every such page: by requester, newest first.
CREATE INDEX deletion_requests_requester ON deletion_requests (requested_by, id);
