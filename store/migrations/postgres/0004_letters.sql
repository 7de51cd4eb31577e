-- huifang schema 4: problem-case documents go to the blob store, as
-- recordings and letter receipts do (docs/letters.md).

-- Where a document uploaded from now on is kept in the blob store. A row
-- written before has storage_key '' and its bytes in data; a new row has its
-- key here and an empty data (the checksum and size stay in the row).
ALTER TABLE evidence ADD COLUMN storage_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX evidence_storage_key ON evidence (storage_key) WHERE storage_key <> '';
