-- The fingerprint (SHA-256) of each file read before, with what the file system said of the file then. A
-- file whose size, times and inode are all unchanged is recognised without being read whole again: a nightly
-- run over a year of exports otherwise hashed every one of them every night to find the new ones.
CREATE TABLE backfill_file_fingerprint (
    path        VARCHAR(1024) NOT NULL PRIMARY KEY,
    file_key    VARCHAR(100)  NOT NULL,
    size_bytes  BIGINT        NOT NULL,
    modified_ns BIGINT        NOT NULL,
    changed_ns  BIGINT        NOT NULL,
    sha256      CHAR(64)      NOT NULL,
    hashed_at   TIMESTAMP     NOT NULL
);
