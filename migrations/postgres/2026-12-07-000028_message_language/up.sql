-- The language a participant reads WhatsApp/SMS messages in (postgres; keep in
-- step with the other backend): the page's language when they chose the
-- channel (at registration or on their contact page), or the one they
-- picked there. Mails stay bilingual; a message is too short for two.
-- Rows from before read in Bahasa Indonesia, as their messages did.
ALTER TABLE message_consents ADD COLUMN lang TEXT NOT NULL DEFAULT 'id' CHECK (lang IN ('id', 'en'));
