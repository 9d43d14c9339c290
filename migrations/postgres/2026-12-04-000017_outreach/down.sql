DROP TABLE outreach_attempts;
DROP TABLE outreach_items;
